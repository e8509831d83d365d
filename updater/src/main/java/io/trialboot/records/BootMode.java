package io.trialboot.records;

/**
 * How stage 0 booted the running slot, the {@code mode} of a {@code boot} history line and of
 * {@code nx status}: the words stage 0 prints in its boot marker.
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

    /** The mode's word on a history line. */
    public String text() {
        return text;
    }
}
