package io.trialboot.bootctl;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.Locale;

/** What boot control knows about one slot's contents. Stage 0 boots only {@link #bootable()} slots. */
public enum SlotState {
    /** Nothing was ever written. */
    EMPTY,
    /** A write is in progress or was interrupted; the contents are unverified. */
    INVALID,
    /** Written and read back with the expected digest; not yet confirmed by a trial boot. */
    VERIFIED,
    /** Confirmed healthy by a trial boot (or the factory image). */
    GOOD,
    /** A trial boot of this slot failed health or ran out of tries. */
    BAD;

    public boolean bootable() {
        return this == VERIFIED || this == GOOD;
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SlotState parse(String text) {
        for (SlotState s : values()) {
            if (s.text().equals(text)) {
                return s;
            }
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "not a slot state: '" + text + "'");
    }
}
