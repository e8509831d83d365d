package io.trialboot.hoststate;

/** The result of checking a domain admission record (seed 004 §6.2) and the state it leads to. */
public enum AdmissionOutcome {
    ACCEPTED(DomainState.FULL),
    ACCEPTED_LIMITED(DomainState.COURTESY),
    /** The domain exists but stays blocked. */
    DEFERRED(DomainState.UNRECOGNIZED),
    /** The domain stays isolated; reported as {@code HOST_ADMISSION_REJECTED}. */
    REJECTED(DomainState.UNRECOGNIZED);

    private final DomainState state;

    AdmissionOutcome(DomainState state) {
        this.state = state;
    }

    public DomainState state() {
        return state;
    }
}
