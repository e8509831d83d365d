package io.trialboot.markers;

import java.util.Optional;

/**
 * How stage 0 booted the running slot: the words of a marker's {@code <mode>}, of a {@code boot}
 * history line and of {@code nx status}. Their one home: the guest, the tools and the contracts take
 * them from here.
 */
public enum BootMode {
    /** The active slot, as chosen. */
    NORMAL("normal"),
    /** The slot on trial, one of its tries. */
    TRIAL("trial"),
    /** The active slot after the trial ran out of tries (crash loop). */
    FALLBACK("fallback"),
    /** The other slot after stage 0 refused one (it did not verify, or gave up a start loop) or found it unbootable. */
    RECOVERY("recovery");

    private final String text;

    BootMode(String text) {
        this.text = text;
    }

    /** The mode's word on a marker or a history line. */
    public String text() {
        return text;
    }

    /** The mode whose word is {@code word}, if any. */
    public static Optional<BootMode> of(String word) {
        for (BootMode m : values()) {
            if (m.text.equals(word)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code word} is one of the modes' words. */
    static boolean isWord(String word) {
        return of(word).isPresent();
    }

    /** A regular expression (no groups) matching exactly the modes' words. */
    static String regex() {
        StringBuilder s = new StringBuilder();
        for (BootMode m : values()) {
            s.append(s.length() == 0 ? "" : "|").append(m.text);
        }
        return s.toString();
    }
}
