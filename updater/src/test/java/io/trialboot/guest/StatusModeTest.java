package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mode {@code nx status} reports: the trial now, else this boot's {@code boot} history line. */
class StatusModeTest {
    private final List<HistoryEntry> history = new ArrayList<>();

    private void line(String event, Map<String, Object> fields) {
        history.add(new HistoryEntry(history.size() + 1, HistoryEntry.GENESIS, event, fields));
    }

    private void boot(long count, String mode) {
        line("boot", Map.of("slot", "a", "boot_count", count, "mode", mode, "tries_left", 0L));
    }

    @Test
    void aFallbackBootReadsFallbackForTheWholeBoot() {
        boot(4, "trial");
        line("rollback", Map.of("slot", "b", "to", "a"));
        boot(5, "fallback");
        assertEquals(BootMode.FALLBACK, StatusMode.of(false, 5, history));
    }

    @Test
    void aRecoveryBootReadsRecovery() {
        line("slot-refused", Map.of("slot", "a", "code", "SLOT_START_LOOP"));
        boot(7, "recovery");
        assertEquals(BootMode.RECOVERY, StatusMode.of(false, 7, history));
    }

    @Test
    void onlyThisBootsLineCounts() {
        boot(5, "fallback");
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 6, history), "an earlier boot's fallback is over");
    }

    @Test
    void aTrialConfirmedDuringThisBootReadsNormal() {
        boot(3, "trial");
        line("confirm", Map.of("slot", "b"));
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 3, history));
        assertEquals(BootMode.TRIAL, StatusMode.of(true, 3, history));
    }

    @Test
    void aBootTheHistoryDoesNotRecordReadsTrialOrNormal() {
        assertEquals(BootMode.NORMAL, StatusMode.of(false, 1, history), "a suspended domain writes no boot line");
        assertEquals(BootMode.TRIAL, StatusMode.of(true, 1, history));
    }
}
