package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bootctld's start-up reads the history back from the end only to what it compares boot control
 * with ({@link BootWindow}), whatever the log's length: counted in bytes the test's thread read
 * ({@code rchar} of {@code /proc/thread-self/io}: every read the boot makes, the state tree's too),
 * on logs whose last transition lies megabytes back; and it records what a whole read recorded.
 */
class BootHistoryReadTest {
    /** What a boot may read: boot control, domain.json, a chunk of the history, the intent, ... */
    private static final long BOUND = 256 * 1024;
    private static final HealthVerdict HEALTHY = new HealthVerdict(Code.HOST_OK, List.of("updated"), List.of(),
            List.of(), 1);

    @TempDir
    Path dir;

    /** Bytes the calling thread has read through read(2) and its kin so far. */
    private static long bytesRead() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/thread-self/io"))) {
                if (l.startsWith("rchar:")) {
                    return Long.parseLong(l.substring("rchar:".length()).strip());
                }
            }
        } catch (IOException e) {
            throw new AssertionError("this test counts reads in /proc/thread-self/io (Linux): " + e, e);
        }
        throw new AssertionError("no rchar line in /proc/thread-self/io");
    }

    /** A boot's {@code onBoot}, asserting it read less than {@link #BOUND} bytes whatever the log's length. */
    private static UpdateEngine bootReadingTheEndOnly(Rig rig) throws IOException {
        long size = Files.size(rig.tree().system().historyLog());
        UpdateEngine engine = rig.engine();
        long before = bytesRead();
        engine.onBoot();
        long read = bytesRead() - before;
        assertTrue(read < BOUND, "the boot read " + read + " bytes; the history is " + size);
        return engine;
    }

    /**
     * {@code boots} boot lines of the active slot appended to the history as bootctld writes them
     * (each boot counted in boot control too), so the last transition lies that far back.
     */
    private static void agedBy(Rig rig, int boots) throws IOException {
        Path log = rig.tree().system().historyLog();
        List<HistoryEntry> h = rig.engine().history().read();
        HistoryEntry last = h.get(h.size() - 1);
        BootControlFile f = rig.bootControl();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Files.readAllBytes(log));
        for (int i = 1; i <= boots; i++) {
            last = new HistoryEntry(last.seq() + 1, last.hash(), "boot", HistoryFields.of("slot", f.active())
                    .and("boot_count", f.bootCount() + i).and("mode", "normal").and("tries_left", 0)
                    .and("at", "2026-01-01T00:00:00Z").map());
            out.writeBytes((last.line() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.write(log, out.toByteArray());
        long seq = last.seq();
        rig.tree().system().update(d -> d.withCurrent(d.currentSnapshot(), seq));
        Files.write(rig.stateRoot.resolve(BootControlFile.PATH), new BootControlFile(f.active(), f.slotA(), f.slotB(),
                f.trial(), f.triesLeft(), f.bootCount() + boots, f.booted(), f.fallback(), f.failedStarts()).encode());
    }

    /** The last {@code n} lines' events; a recovered line says so, a start-failed line names its boot. */
    private static List<String> events(UpdateEngine engine, int n) {
        List<HistoryEntry> h = engine.history().read();
        return h.subList(h.size() - n, h.size()).stream().map(e -> e.event()
                + (e.field("recovered") != null ? " recovered" : "")
                + (e.is(HistoryEvent.START_FAILED) ? " " + e.field("boot_count") : "")).toList();
    }

    @Test
    void aBootOfADeviceNeverUpdatedReadsTheEndOfAnEightMebibyteHistory() throws IOException {
        Rig rig = new Rig(dir);
        rig.bootedEngine();
        agedBy(rig, 8 * 1024 * 1024 / 170); // no transition at all: a read back to the last one reads everything
        assertTrue(Files.size(rig.tree().system().historyLog()) > 7 * 1024 * 1024);
        rig.reboot();
        UpdateEngine engine = bootReadingTheEndOnly(rig);
        HistoryEntry boot = engine.history().latest(e -> true).orElseThrow();
        assertEquals("boot", boot.event());
        assertEquals(Long.toString(rig.bootControl().bootCount()), boot.field("boot_count"));
    }

    /** Both transitions a power cut can keep from the history, found from the last boot line. */
    @Test
    void aSwitchAndARollbackKeptFromTheHistoryAreRecoveredFromItsEnd() throws IOException {
        Rig rig = new Rig(dir);
        rig.bootedEngine();
        agedBy(rig, 3000);
        rig.reboot();
        UpdateEngine engine = rig.bootedEngine();
        InstallPlan plan = Rig.full("1.1.0", rig.v2);
        engine.apply(engine.admit(plan, "manifest", new byte[] {1}), plan, new ByteArrayInputStream(rig.v2));
        engine.bootControl().setActive(Slot.B, true, 3); // the switch commits; the power goes before its line
        rig.reboot();
        engine = bootReadingTheEndOnly(rig);
        assertEquals(List.of("switch recovered", "boot"), events(engine, 2));
        engine.bootControl().rollback(); // healthd's verdict commits; the power goes before its lines
        rig.reboot();
        engine = bootReadingTheEndOnly(rig);
        assertEquals(List.of("mark-bad", "rollback recovered", "boot"), events(engine, 3));
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        PowerCutTest.assertHistoryAgreesWithBootControl(rig, engine, "after the recoveries");
        assertTrue(engine.selfcheck(false).ok(), engine.selfcheck(false).failures().toString());
    }

    @Test
    void aTrialOutOfTriesAfterALongHistoryRecordsItsFailedStartsFromItsSwitch() throws IOException {
        Rig rig = new Rig(dir);
        rig.bootedEngine();
        agedBy(rig, 3000);
        rig.reboot();
        Rig.installAndSwitch(rig.bootedEngine(), Rig.full("1.1.0", rig.v2), rig.v2);
        long first = rig.bootControl().bootCount() + 1;
        for (int i = 0; i < 3; i++) {
            rig.reboot(); // the trial slot dies before bootctld: no boot line
        }
        rig.reboot();
        UpdateEngine engine = bootReadingTheEndOnly(rig);
        assertEquals(List.of("start-failed " + first, "start-failed " + (first + 1), "start-failed " + (first + 2),
                "rollback", "boot"), events(engine, 5));
        PowerCutTest.assertHistoryAgreesWithBootControl(rig, engine, "after the fall-back");
    }

    /** A start loop's boots that recorded themselves lie behind the last boot line: the read goes on to them. */
    @Test
    void aStartLoopAfterALongHistoryLeavesOutTheStartsThatRecordedThemselves() throws IOException {
        Rig rig = new Rig(dir);
        UpdateEngine engine = rig.bootedEngine();
        Rig.installAndSwitch(engine, Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        rig.engine().onBoot();
        rig.engine().onHealth(HEALTHY); // b is active and good, its failed starts 0
        agedBy(rig, 3000);
        long first = rig.bootControl().bootCount() + 1;
        rig.reboot();
        bootReadingTheEndOnly(rig); // recorded, then died before it came up (boots first and first + 1)
        rig.reboot();
        bootReadingTheEndOnly(rig);
        rig.reboot(); // died before bootctld
        rig.reboot(); // stage 0 gives b up and boots a
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        Files.writeString(rig.stateRoot.resolve(Stage0Refusal.PATH), "slot=b code=SLOT_START_LOOP\n");
        engine = bootReadingTheEndOnly(rig);
        assertEquals(List.of("boot", "boot", "start-failed " + (first + 2), "slot-refused", "boot"), events(engine, 5));
    }
}
