package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.FastStateWriter;
import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HistoryLog;
import io.trialboot.records.HistoryEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mode {@code nx status} reports: the trial now, else this boot's {@code boot} history line. */
class StatusModeTest {
    private final List<HistoryEntry> history = new ArrayList<>();

    private void line(String event, Map<String, Object> fields) {
        history.add(new HistoryEntry(history.size() + 1, HistoryEntry.GENESIS, event, fields));
    }

    /** What StatusMode.lastBoot answers for this history. */
    private Optional<HistoryEntry> lastBoot() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).event().equals("boot")) {
                return Optional.of(history.get(i));
            }
        }
        return Optional.empty();
    }

    private void boot(long count, String mode) {
        line("boot", Map.of("slot", "a", "boot_count", count, "mode", mode, "tries_left", 0L));
    }

    @Test
    void aFallbackBootReadsFallbackForTheWholeBoot() {
        boot(4, "trial");
        line("rollback", Map.of("slot", "b", "to", "a"));
        boot(5, "fallback");
        assertEquals(BootMode.FALLBACK, StatusMode.of(false, 5, lastBoot()));
    }

    @Test
    void aRecoveryBootReadsRecovery() {
        line("slot-refused", Map.of("slot", "a", "code", "SLOT_START_LOOP"));
        boot(7, "recovery");
        assertEquals(BootMode.RECOVERY, StatusMode.of(false, 7, lastBoot()));
    }

    @Test
    void onlyThisBootsLineCounts() {
        boot(5, "fallback");
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 6, lastBoot()), "an earlier boot's fallback is over");
    }

    @Test
    void aTrialConfirmedDuringThisBootReadsNormal() {
        boot(3, "trial");
        line("confirm", Map.of("slot", "b"));
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 3, lastBoot()));
        assertEquals(BootMode.TRIAL, StatusMode.of(true, 3, lastBoot()));
    }

    /** StatusMode.lastBoot on a real log: its last boot line, read back from the end. */
    @Test
    void theLastBootLineOfARealLogIsThisBootsAfterWhateverCameSince(@TempDir Path dir) {
        HistoryLog log = new HistoryLog(dir.resolve("history.jsonl"), FastStateWriter.INSTANCE);
        FastStateWriter.INSTANCE.write(dir.resolve("history.jsonl"), new byte[0]);
        log.append("boot", HistoryFields.of("slot", "b").and("boot_count", 4).and("mode", "trial").map());
        log.append("rollback", HistoryFields.of("slot", "b").and("to", "a").map());
        log.append("boot", HistoryFields.of("slot", "a").and("boot_count", 5).and("mode", "fallback").map());
        for (int i = 0; i < 50; i++) {
            log.append("selfcheck", HistoryFields.of("n", i).map());
        }
        assertEquals(BootMode.FALLBACK, StatusMode.of(false, 5, StatusMode.lastBoot(log)));
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 6, StatusMode.lastBoot(log)));
    }

    @Test
    void aBootTheHistoryDoesNotRecordReadsTrialOrNormal() {
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 1, lastBoot()), "a suspended domain writes no boot line");
        assertEquals(BootMode.TRIAL, StatusMode.of(true, 1, lastBoot()));
    }
}
