package io.trialboot.records;

import java.util.Optional;

/**
 * The events the device writes into its history, each with its word on the line. The transitions
 * are the events that change which slot boots; the last one tells whether a trial is pending.
 */
public enum HistoryEvent {
    BOOT("boot", false),
    STAGE("stage", false),
    REJECT("reject", false),
    APPLY("apply", false),
    APPLY_FAILED("apply-failed", false),
    SWITCH("switch", true),
    CONFIRM("confirm", true),
    MARK_BAD("mark-bad", true),
    ROLLBACK("rollback", true),
    FEED("feed", false),
    SELFCHECK("selfcheck", false),
    REBOOT("reboot", false),
    REPAIR("repair", false),
    /** {@code nx admit}: an admission applied, or REJECTED with its code. */
    ADMISSION("admission", false),
    /** Stage 0 refused a slot (it did not verify, or its dm-verity mapping failed), with the code it printed. */
    STAGE0_REFUSED("slot-refused", false),
    /**
     * A boot that started a slot and never came up far enough to record itself, written when a later
     * boot falls back because of it (a trial out of tries, a start loop).
     */
    START_FAILED("start-failed", false);

    private final String text;
    private final boolean transition;

    HistoryEvent(String text, boolean transition) {
        this.text = text;
        this.transition = transition;
    }

    /** The event's word on a history line. */
    public String text() {
        return text;
    }

    /** Whether the event changes which slot boots (boot control's switch, confirm, mark-bad, rollback). */
    public boolean transition() {
        return transition;
    }

    /** The event named {@code text}; empty for a word this build does not write. */
    public static Optional<HistoryEvent> of(String text) {
        for (HistoryEvent e : values()) { // a loop: the boot reads the history, and findFirst's lambdas are spun at run time
            if (e.text.equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
