package io.trialboot.hoststate;

/**
 * The outcome of an admission (seed 004 §6.2, §6.3) and the state it leads to. A root's signed
 * decision carries one of ACCEPTED, ACCEPTED_LIMITED, DEFERRED, SUSPENDED or REVOKED; REJECTED is
 * the device's own verdict on an admission input that did not verify, and changes no state.
 */
public enum AdmissionOutcome {
    /** Publishing, indexing, federation: state FULL. */
    ACCEPTED(DomainState.FULL),
    /** Courtesy-only storage, under a {@link CourtesyLease}: state COURTESY. */
    ACCEPTED_LIMITED(DomainState.COURTESY),
    /** The domain exists but stays blocked: state UNRECOGNIZED. */
    DEFERRED(DomainState.UNRECOGNIZED),
    /** New writes blocked until a newer decision reinstates the domain. */
    SUSPENDED(DomainState.SUSPENDED),
    /** Everything but local inspection blocked, for good. */
    REVOKED(DomainState.REVOKED),
    /** The input did not verify: recorded (history, quarantine), reported as {@code HOST_ADMISSION_REJECTED}; the state stays. */
    REJECTED(null);

    private final DomainState state;

    AdmissionOutcome(DomainState state) {
        this.state = state;
    }

    /** The state this outcome moves the domain to; REJECTED moves it nowhere (the current state is returned). */
    public DomainState state(DomainState current) {
        return state == null ? current : state;
    }
}
