package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.PowerCuts;
import io.trialboot.core.PowerCuts.Faults;
import io.trialboot.core.PowerCuts.PowerCut;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HostStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cuts the power at every state-file step of {@code nx history repair} ({@link HistoryRepair}): the
 * log is then the torn one as it was or the repaired one with its {@code repair} line, never cut
 * without it; the torn bytes are in {@code quarantine/} whenever the log lost them. After the cut
 * the device boots (unrecorded while the log is still torn), a repair run again finishes, and the
 * next boot is recorded with the selfcheck OK.
 */
class HistoryRepairPowerCutTest {
    private static final byte[] TORN = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path base;

    @Test
    void aPowerCutAtEveryStepOfTheRepairLeavesTheTornLogOrTheRepairedOne() throws IOException {
        Rig template = new Rig(base.resolve("template"));
        template.bootedEngine();
        Path log = template.tree().system().historyLog();
        Files.write(log, TORN, StandardOpenOption.APPEND);
        byte[] torn = Files.readAllBytes(log);
        byte[] whole = Arrays.copyOf(torn, torn.length - TORN.length);
        int points = 0;
        for (int n = 1; ; n++) {
            Rig rig = template.copy(base.resolve("cut" + n));
            Path file = rig.tree().system().historyLog();
            rig.writer = PowerCuts.writer(new Faults(n), FastStateWriter.INSTANCE);
            try {
                rig.engine().repairHistory();
                break; // ran to the end without reaching point n: every point was tried
            } catch (PowerCut expected) {
                points++;
            }
            rig.writer = FastStateWriter.INSTANCE;
            String when = "cut at step " + n;
            byte[] after = Files.readAllBytes(file);
            rig.reboot();
            if (Arrays.equals(after, torn)) {
                assertEquals(Code.LOG_TORN, assertThrows(UnrecordedBoot.class, () -> rig.engine().onBoot()).code(), when);
                rig.engine().repairHistory();
                rig.reboot();
            } else {
                assertArrayEquals(whole, Arrays.copyOf(after, whole.length), when + ": the complete lines kept");
                HistoryEntry last = last(rig);
                assertTrue(last.is(HistoryEvent.REPAIR), when + ": " + last.line());
                assertArrayEquals(TORN, Files.readAllBytes(rig.tree().quarantine().resolve(last.field("quarantined"))), when);
            }
            rig.engine().onBoot();
            assertTrue(last(rig).is(HistoryEvent.BOOT), when + ": the next boot is recorded");
            HostStatus s = rig.engine().selfcheck(false);
            assertTrue(s.ok(), when + ": " + s.failures());
            assertEquals(1, rig.engine().history().read().stream().filter(e -> e.is(HistoryEvent.REPAIR)).count(), when);
        }
        System.out.println("power-cut points tried (history repair): " + points);
        assertEquals(3, points, "the torn bytes kept (temp write), the log replaced, domain.json's current_logseq");
    }

    private static HistoryEntry last(Rig rig) {
        List<HistoryEntry> h = rig.engine().history().read();
        return h.get(h.size() - 1);
    }
}
