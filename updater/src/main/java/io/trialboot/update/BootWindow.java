package io.trialboot.update;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.BootRecord;
import io.trialboot.core.Slot;
import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How far back from the end bootctld's start-up reads the history ({@link
 * io.trialboot.records.HistoryLog#since}): to what it compares boot control with, not the whole log.
 *
 * <ul>
 * <li>The line that says whether a trial is pending: the last transition (a switch: that slot;
 * a confirm, mark-bad or rollback: none) or, when a {@code boot} line comes later, that line. A boot
 * line is written after its boot's comparison, which leaves the history's pending trial boot
 * control's; and boot control holds a trial exactly while stage 0 boots it, which the line's
 * {@code mode=trial} says. So the last boot line stands for every line before it, and a boot reads
 * back to the previous recorded boot however far back the last transition is. A boot line without
 * {@code mode} (an older build's) says nothing; the look-back goes on.
 * <li>After a trial's fall-back, the last transition: the switch that began the trial, whose
 * {@code tries} are the starts that led to the fall-back, all after it.
 * <li>The boot line before the {@link BootControlFile#MAX_FAILED_STARTS} boots before this one: a
 * start loop stage 0 gave up started the slot on each of those boots, and those that recorded
 * themselves get no {@code start-failed} line. Boot counts only grow along the log. (Whether the
 * boot follows a start loop is known only from stage 0's note, taken after the read.)
 * </ul>
 *
 * An empty log, or one without such lines, is read whole. The predicate keeps state: one per read.
 */
final class BootWindow implements Predicate<HistoryEntry> {
    private final BootRecord boot;
    private boolean pendingKnown;
    private boolean transitionFound;
    private boolean startsCovered;

    BootWindow(BootRecord boot) {
        this.boot = boot;
    }

    @Override
    public boolean test(HistoryEntry e) {
        transitionFound |= e.isTransition();
        pendingKnown |= says(e).isPresent();
        startsCovered |= e.is(HistoryEvent.BOOT) && bootCount(e) < boot.bootCount() - BootControlFile.MAX_FAILED_STARTS;
        return pendingKnown && startsCovered && (transitionFound || boot.fellBackFrom().isEmpty());
    }

    /**
     * The trial the history shows pending: from its last line that says (see the class comment);
     * none when no line does.
     */
    static Optional<Slot> pendingTrial(List<HistoryEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Optional<Optional<Slot>> said = says(entries.get(i));
            if (said.isPresent()) {
                return said.get();
            }
        }
        return Optional.empty();
    }

    /** The last transition of {@code entries}, if any. */
    static Optional<HistoryEntry> lastTransition(List<HistoryEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).isTransition()) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    /** What {@code e} says about a pending trial: the slot, none, or nothing (empty). */
    private static Optional<Optional<Slot>> says(HistoryEntry e) {
        if (e.isTransition()) {
            return Optional.of(e.is(HistoryEvent.SWITCH) ? Optional.of(Slot.parse(e.field("slot"))) : Optional.empty());
        }
        if (e.is(HistoryEvent.BOOT) && e.field("mode") != null) {
            return Optional.of(BootMode.TRIAL.text().equals(e.field("mode"))
                    ? Optional.of(Slot.parse(e.field("slot"))) : Optional.empty());
        }
        return Optional.empty();
    }

    private static long bootCount(HistoryEntry e) {
        String n = e.field("boot_count");
        return n == null || !n.matches("[0-9]{1,18}") ? Long.MAX_VALUE : Long.parseLong(n);
    }
}
