package io.trialboot.guest;

import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import java.util.List;

/**
 * The {@code mode} {@code nx status} reports. {@code trial} while the booted slot is on trial;
 * otherwise how stage 0 booted this boot, as its {@code boot} history line records it
 * ({@code fallback}, {@code recovery}); else {@code normal}. A trial confirmed during this boot reads
 * {@code normal}. A domain that may not append (suspended, revoked) records no {@code boot} line, so
 * its boots read {@code trial} or {@code normal} only.
 */
final class StatusMode {
    private StatusMode() {}

    static BootMode of(boolean trialNow, long bootCount, List<HistoryEntry> history) {
        if (trialNow) {
            return BootMode.TRIAL;
        }
        String count = Long.toString(bootCount);
        for (int i = history.size() - 1; i >= 0; i--) {
            HistoryEntry e = history.get(i);
            if (e.is(HistoryEvent.BOOT) && count.equals(e.field("boot_count"))) {
                return BootMode.of(e.field("mode")).filter(m -> m != BootMode.TRIAL).orElse(BootMode.NORMAL);
            }
        }
        return BootMode.NORMAL;
    }
}
