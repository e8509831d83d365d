package io.trialboot.core;

import java.util.Locale;

/** One of the two A/B root filesystem slots. */
public enum Slot {
    A, B;

    /** The slot's name as printed in markers and files: {@code a} or {@code b}. */
    public String letter() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Slot other() {
        return this == A ? B : A;
    }

    /** Parses {@code a} or {@code b}; anything else is a malformed input. */
    public static Slot parse(String text) {
        if ("a".equals(text)) {
            return A;
        }
        if ("b".equals(text)) {
            return B;
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "not a slot (a|b): '" + text + "'");
    }

    @Override
    public String toString() {
        return letter();
    }
}
