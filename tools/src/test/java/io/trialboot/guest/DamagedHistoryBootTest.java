package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.Stage0Model;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A boot whose history cannot be read (docs/operator-guide.md, LOG_TORN and LOG_CHAIN_BROKEN): it
 * is counted in boot control, runs without writing the history and says so in one line, and the
 * services come up, so the console stays reachable; updates refuse with the log's code, the
 * selfcheck names it, and once repaired an update goes through.
 */
@ExtendWith(GuestRigExtension.class)
class DamagedHistoryBootTest {
    private static final String V110 = UpdateRpcTest.V110;
    static final byte[] TORN = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    GuestRig rig;
    Path log;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
        log = rig.tree().system().historyLog();
    }

    /** An incomplete last line no append intent explains: an edit or a disk fault. */
    private void tear() throws Exception {
        tear(log);
    }

    /** {@code log} with an incomplete last line appended (7 bytes); also HistoryRepairTest's. */
    static void tear(Path log) throws Exception {
        Files.write(log, TORN, java.nio.file.StandardOpenOption.APPEND);
    }

    /** The operator guide's repair of a torn log, from the console: {@code nx history repair}. */
    private void removeTornLine() {
        GuestServicesTest.Nx r = nx(rig, "history", "repair");
        assertEquals(0, r.rc(), r.lines().toString());
    }

    /** The first line edited in place: the second no longer carries its hash. */
    private void editFirstLine() throws Exception {
        editFirstLine(log);
    }

    /** {@code log}'s first line edited in place; also HistoryRepairTest's. */
    static void editFirstLine(Path log) throws Exception {
        String text = Files.readString(log);
        int end = text.indexOf('\n');
        assertTrue(text.indexOf('\n', end + 1) > 0, "the log has a second line");
        String first = text.substring(0, end);
        assertTrue(first.contains("\"at\":\"2026"), first);
        Files.writeString(log, first.replaceFirst("\"at\":\"2026", "\"at\":\"2025") + text.substring(end));
    }

    /** Boots the damaged device: it comes up, says the boot is not recorded, counts it, writes no history. */
    private void bootsUnrecorded(Code code) throws Exception {
        byte[] before = Files.readAllBytes(log);
        long bootCount = rig.bootControl().bootCount();
        assertEquals(0, rig.boot(), "the services come up");
        List<String> all = rig.lines();
        List<String> lines = all.subList(all.lastIndexOf("OpenSBI v1.1"), all.size());
        List<String> warnings = bootctldWarnings(lines);
        assertEquals(1, warnings.size(), lines.toString());
        String w = warnings.get(0);
        String why = MarkerLines.captures(w, Marker.BOOTCTLD_BOOT_UNRECORDED, ":why", code.name()).get("why");
        assertTrue(why.startsWith(code + ": " + log), w);
        assertEquals(lines.indexOf(w) + 1, lines.indexOf(Marker.BOOTCTLD_READY.line()), lines.toString());
        Slot running = BootControl.running(rig.bootControl());
        assertTrue(lines.contains(Marker.INIT_HEALTH_OK.line(running.letter())), "healthy: " + lines);
        assertEquals(bootCount + 1, rig.bootControl().bootCount(), "boot control counted the boot");
        assertArrayEquals(before, Files.readAllBytes(log), "no history written");
    }

    /** bootctld's warnings among {@code lines}: the boot not recorded, the failed-starts count not cleared. */
    private static List<String> bootctldWarnings(List<String> lines) {
        return lines.stream().filter(l -> MarkerLines.is(l, Marker.BOOTCTLD_BOOT_UNRECORDED)
                || MarkerLines.is(l, Marker.BOOTCTLD_STARTS_UNCLEARED)).toList();
    }

    /** The selfcheck names {@code code} and fails; an update is refused with it. */
    private void refusesUpdatesWith(Code code) {
        GuestServicesTest.Nx check = nx(rig, "selfcheck");
        assertEquals(1, check.rc(), check.lines().toString());
        assertTrue(check.lines().stream().anyMatch(l -> l.contains(code.name())), "the selfcheck names it: " + check.lines());
        UpdateRpcs.assertNxFails(rig, code, "update", "apply", V110);
    }

    @Test
    void aTornHistoryBootsUnrecordedRefusesUpdatesAndIsRepairedFromTheConsole() throws Exception {
        tear();
        bootsUnrecorded(Code.LOG_TORN);
        refusesUpdatesWith(Code.LOG_TORN);
        assertEquals(Slot.A, rig.bootControl().active());
        assertEquals(java.util.Optional.empty(), rig.bootControl().trial(), "nothing switched");

        // The operator guide's repair, from the console: the torn last line kept in quarantine/ and cut off.
        String torn = Files.readString(log);
        removeTornLine();
        GuestServicesTest.Nx repaired = nx(rig, "selfcheck");
        assertEquals(0, repaired.rc(), repaired.lines().toString());
        assertEquals(0, nx(rig, "update", "apply", V110).rc(), rig.lines().toString());
        assertEquals(java.util.Optional.of(Slot.B), rig.bootControl().trial());
        assertTrue(Files.size(log) > torn.length(), "recorded again");
    }

    @Test
    void anEditedHistoryBootsUnrecordedAndRefusesUpdatesWithLogChainBroken() throws Exception {
        editFirstLine();
        bootsUnrecorded(Code.LOG_CHAIN_BROKEN);
        refusesUpdatesWith(Code.LOG_CHAIN_BROKEN);
        // Still reachable at the next boot, and the one after: no start loop.
        bootsUnrecorded(Code.LOG_CHAIN_BROKEN);
        bootsUnrecorded(Code.LOG_CHAIN_BROKEN);
        assertEquals(0, rig.bootControl().failedStarts());
    }

    /** An edit before what a boot reads but in what its append checks (a small log, whole) still boots unrecorded. */
    @Test
    void anEditOnlyTheBootsAppendWouldMeetBootsUnrecorded() throws Exception {
        for (int i = 0; i < BootControlFile.MAX_FAILED_STARTS + 1; i++) {
            assertEquals(0, rig.boot());
        }
        editFirstLine();
        bootsUnrecorded(Code.LOG_CHAIN_BROKEN);
    }

    /**
     * An edit further back than a boot reads (back to the previous boots' lines: docs/formats.md,
     * the reads) is not the boot's to find: the boot is recorded, and the selfcheck, {@code nx
     * history} and an install, which read the whole chain, refuse with LOG_CHAIN_BROKEN, the install
     * before it writes anything.
     */
    @Test
    void anEditBeforeWhatABootReadsIsFoundByTheSelfcheckAndRefusesInstalls() throws Exception {
        for (int i = 0; i < BootControlFile.MAX_FAILED_STARTS + 1; i++) {
            assertEquals(0, rig.boot());
        }
        while (Files.size(log) <= 2 * Bounds.HISTORY_LINE_BYTES + 1) { // past what an append checks whole
            rig.engine().audit(HistoryEvent.FEED, HistoryFields.of("channel", "stable").and("items", 3));
        }
        editFirstLine();
        int lines = Files.readAllLines(log).size();
        assertEquals(0, rig.boot(), "the services come up");
        List<String> all = rig.lines();
        assertEquals(List.of(), bootctldWarnings(all.subList(all.lastIndexOf("OpenSBI v1.1"), all.size())), all.toString());
        assertEquals(lines + 1, Files.readAllLines(log).size(), "the boot is recorded");
        refusesUpdatesWith(Code.LOG_CHAIN_BROKEN);
        UpdateRpcs.assertNxFails(rig, Code.LOG_CHAIN_BROKEN, "history");
        assertEquals(List.of(), rig.engine().receipts().list(), "the install wrote no receipt");
        assertEquals(java.util.Optional.empty(), rig.bootControl().trial(), "nothing switched");
    }

    @Test
    void aConfirmAPowerCutKeptFromTheHistoryStillRaisesTheFloorWhenTheHistoryIsTorn() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc(), rig.lines().toString());
        // The trial boots and its confirm commits in boot control; the cut comes before its history line and floor.
        Files.write(rig.paths.bootControl(), Stage0Model.boot(rig.bootControl()).encode());
        BootControlFile confirmed = rig.engine().bootControl().confirm();
        assertEquals(Slot.B, confirmed.active());
        assertEquals(Version.parse("1.0.0"), rig.engine().floor(), "the floor before the confirm");
        tear();
        bootsUnrecorded(Code.LOG_TORN);
        assertEquals(Slot.B, BootControl.running(rig.bootControl()));
        assertEquals(Version.parse("1.1.0"), rig.engine().floor(), "the floor follows the confirm");
        assertEquals(rig.tree().system().snapshot(Slot.B).orElseThrow().id(),
                rig.tree().system().descriptor().currentSnapshot(), "domain.json follows the confirm");
    }
    @Test
    void stageZerosRefusalNoteWaitsForTheFirstBootAfterTheRepair() throws Exception {
        Path note = rig.paths.state().resolve(Stage0Refusal.PATH);
        Files.writeString(note, "slot=b code=SLOT_UNVERIFIABLE\n");
        tear();
        bootsUnrecorded(Code.LOG_TORN);
        assertTrue(Files.exists(note), "the note is not taken by a boot that cannot record it");
        removeTornLine();
        assertEquals(0, rig.boot());
        assertTrue(Files.notExists(note), "taken");
        List<HistoryEntry> h = rig.engine().history().read();
        HistoryEntry refused = h.get(h.size() - 2);
        assertTrue(refused.is(HistoryEvent.STAGE0_REFUSED) && "b".equals(refused.field("slot"))
                && "SLOT_UNVERIFIABLE".equals(refused.field("code")), h.toString());
        assertTrue(h.get(h.size() - 1).is(HistoryEvent.BOOT), h.toString());
    }

    @Test
    void aDeletedHistoryBootsUnrecordedWithHostNotFound() throws Exception {
        Files.delete(log);
        long bootCount = rig.bootControl().bootCount();
        assertEquals(0, rig.boot(), "the services come up");
        List<String> lines = rig.lines();
        assertTrue(lines.stream().anyMatch(l -> MarkerLines.is(l, Marker.BOOTCTLD_BOOT_UNRECORDED, "*", "HOST_NOT_FOUND")),
                lines.toString());
        assertEquals(bootCount + 1, rig.bootControl().bootCount());
        assertTrue(Files.notExists(log), "no history made up");
        refusesUpdatesWith(Code.HOST_NOT_FOUND);
    }
}
