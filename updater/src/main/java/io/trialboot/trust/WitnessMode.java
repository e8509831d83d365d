package io.trialboot.trust;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;

/** Who may sign releases for a domain (seed 004 §5.3), as set by its admission record. */
public enum WitnessMode {
    /** One valid signature by an admitted key. */
    SINGLE("single-witness"),
    /** At least k distinct admitted keys, each with a valid signature over the same bytes. */
    QUORUM("quorum-witness"),
    /** The device's own pinned root keys are the witness: a valid signature by a pinned root (or an admitted key). */
    SELF("self-authority");

    private final String text;

    WitnessMode(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static WitnessMode parse(String text) {
        for (WitnessMode m : values()) {
            if (m.text.equals(text)) {
                return m;
            }
        }
        throw new TrialbootException(Code.SCHEMA_VIOLATION,
                "witness mode '" + text + "' is not single-witness, quorum-witness or self-authority");
    }

    @Override
    public String toString() {
        return text;
    }
}
