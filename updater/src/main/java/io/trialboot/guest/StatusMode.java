package io.trialboot.guest;

import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryLog;
import io.trialboot.core.TrialbootException;
import io.trialboot.update.UnrecordedBoot;
import java.util.Optional;

/**
 * The {@code mode} {@code nx status} reports. {@code trial} while the booted slot is on trial;
 * otherwise how stage 0 booted this boot, as its {@code boot} history line records it
 * ({@code fallback}, {@code recovery}); else {@code normal}. A trial confirmed during this boot reads
 * {@code normal}. A domain that may not append (suspended, revoked) records no {@code boot} line, so
 * its boots read {@code trial} or {@code normal} only; so does a boot whose history could not be
 * read ({@link UnrecordedBoot}).
 */
final class StatusMode {
    private StatusMode() {}

    /** {@code lastBoot}: the history's last {@code boot} line ({@link HistoryLog#latest}), if it has one. */
    static BootMode of(boolean trialNow, long bootCount, Optional<HistoryEntry> lastBoot) {
        if (trialNow) {
            return BootMode.TRIAL;
        }
        String count = Long.toString(bootCount);
        return lastBoot.filter(e -> count.equals(e.field("boot_count"))).flatMap(e -> BootMode.of(e.field("mode")))
                .filter(m -> m != BootMode.TRIAL).orElse(BootMode.NORMAL);
    }

    /**
     * What {@link #of} needs of {@code history}: its last {@code boot} line, which is this boot's when
     * this boot recorded one (boot counts only grow); read back from the end, not the whole log.
     */
    static Optional<HistoryEntry> lastBoot(HistoryLog history) {
        try {
            return history.latest(e -> e.is(HistoryEvent.BOOT));
        } catch (TrialbootException e) {
            if (!UnrecordedBoot.unreadable(e.code())) {
                throw e;
            }
            // A damaged history: this boot ran unrecorded (bootctld said so) and has no line. The
            // status still answers, so healthd's probe and the console work; nx selfcheck names the damage.
            return Optional.empty();
        }
    }
}
