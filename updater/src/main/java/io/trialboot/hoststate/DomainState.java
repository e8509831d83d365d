package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;

/**
 * A domain's lifecycle state (seed 004 §5.1) and which {@link Capability capabilities} it grants
 * (seed 004 §6.3 and §8).
 */
public enum DomainState {
    /** Created, no admission record accepted yet: inspection only. */
    UNRECOGNIZED,
    /** Admitted with limits (ACCEPTED_LIMITED): may stage and log, may not switch slots. */
    COURTESY,
    /** Admitted (ACCEPTED): everything, including switching slots. */
    FULL,
    /** New writes blocked; reading and inspection still work. */
    SUSPENDED,
    /** Everything blocked except local inspection. */
    REVOKED;

    /** {@link Code#HOST_OK} when this state grants {@code capability}, otherwise the code that says why not. */
    public Code check(Capability capability) {
        return switch (this) {
            case FULL -> Code.HOST_OK;
            case COURTESY -> capability == Capability.PUBLISH_SNAPSHOT || capability == Capability.FEDERATE_LOG
                    ? Code.HOST_ADMISSION_REJECTED : Code.HOST_OK;
            case UNRECOGNIZED -> capability == Capability.INSPECT || capability == Capability.READ
                    ? Code.HOST_OK : Code.HOST_ADMISSION_REJECTED;
            case SUSPENDED -> capability == Capability.INSPECT || capability == Capability.READ
                    ? Code.HOST_OK : Code.HOST_DOMAIN_SUSPENDED;
            case REVOKED -> capability == Capability.INSPECT ? Code.HOST_OK : Code.HOST_DOMAIN_REVOKED;
        };
    }

    /** The state named {@code text}; anything else is {@code MALFORMED_INPUT}. */
    public static DomainState parse(String text) {
        for (DomainState s : values()) {
            if (s.name().equals(text)) {
                return s;
            }
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "not a domain state: '" + text + "'");
    }
}
