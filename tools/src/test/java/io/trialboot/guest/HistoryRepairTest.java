package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code nx history repair} (docs/operator-guide.md, "When the history cannot be read"): a torn last
 * line is kept in {@code quarantine/}, cut off and the repair recorded, so the selfcheck passes, an
 * install goes through and the next boot is recorded; a log that is not torn, or whose lines do not
 * chain, is refused with its code and nothing is written.
 */
@ExtendWith(GuestRigExtension.class)
class HistoryRepairTest {
    private static final byte[] TORN = DamagedHistoryBootTest.TORN;
    GuestRig rig;
    Path log;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
        log = rig.tree().system().historyLog();
    }

    /** Boots with a torn last line: up, unrecorded. Returns the last seq before the tear. */
    private long tearAndBoot() throws Exception {
        long last = rig.engine().history().lastSeq();
        DamagedHistoryBootTest.tear(log);
        assertEquals(0, rig.boot(), "the services come up");
        assertTrue(rig.lines().stream().anyMatch(l -> MarkerLines.is(l, Marker.BOOTCTLD_BOOT_UNRECORDED, "*", "LOG_TORN")),
                rig.lines().toString());
        return last;
    }

    private List<HistoryEntry> history() {
        return rig.engine().history().read();
    }

    @Test
    void aTornHistoryIsRepairedFromTheConsoleAndTheDeviceUpdatesAndRecordsAgain() throws Exception {
        long before = tearAndBoot();
        assertEquals(Code.LOG_TORN, assertThrows(TrialbootException.class, () -> history()).code(), "torn before the repair");
        GuestServicesTest.Nx r = nx(rig, "history", "repair");
        assertEquals(0, r.rc(), r.lines().toString());
        Path kept = rig.tree().quarantine().resolve(Sha256.of(TORN).hex() + "-history.jsonl-torn");
        assertEquals("kept " + TORN.length + " torn bytes in " + kept, r.lines().get(0));
        assertArrayEquals(TORN, Files.readAllBytes(kept), "the torn bytes kept for inspection");
        HistoryEntry repair = history().get(history().size() - 1);
        assertTrue(repair.is(HistoryEvent.REPAIR) && repair.seq() == before + 1, repair.line());
        assertEquals(String.valueOf(TORN.length), repair.field("torn_bytes"));
        assertEquals(kept.getFileName().toString(), repair.field("quarantined"));
        assertEquals(Marker.HISTORY_ENTRY.line(repair.seq(), "repair", "torn_bytes=" + TORN.length + " quarantined="
                + kept.getFileName()), r.lines().get(1));
        assertEquals(repair.seq(), rig.tree().system().descriptor().currentLogseq(), "domain.json follows the repair line");

        GuestServicesTest.Nx check = nx(rig, "selfcheck");
        assertEquals(0, check.rc(), check.lines().toString());
        assertEquals(0, nx(rig, "update", "apply", UpdateRpcTest.V110).rc(), rig.lines().toString());
        assertEquals(Optional.of(Slot.B), rig.bootControl().trial());
        assertEquals(0, rig.boot(), "the trial boots");
        assertTrue(history().stream().skip(repair.seq()).anyMatch(e -> e.is(HistoryEvent.BOOT)), "the next boot is recorded");
    }

    @Test
    void aHistoryThatIsNotTornIsLeftAlone() throws Exception {
        assertNothingWritten(Code.UPDATE_WRONG_STATE, "the history is not torn");
    }

    @Test
    void anEditedHistoryHasNoRepairOnTheDevice() throws Exception {
        DamagedHistoryBootTest.editFirstLine(log);
        assertNothingWritten(Code.LOG_CHAIN_BROKEN, "reprovision");
    }

    @Test
    void anEditedHistoryWithATornTailIsNotCutEither() throws Exception {
        DamagedHistoryBootTest.editFirstLine(log);
        DamagedHistoryBootTest.tear(log);
        assertNothingWritten(Code.LOG_CHAIN_BROKEN, "reprovision");
    }

    /** {@code nx history repair} fails with {@code code}, saying {@code why}; the log, domain.json and quarantine/ unchanged. */
    private void assertNothingWritten(Code code, String why) throws Exception {
        byte[] before = Files.readAllBytes(log);
        Path domain = rig.tree().system().historyLog().getParent().getParent().resolve("domain.json");
        byte[] descriptor = Files.readAllBytes(domain);
        List<Path> quarantined = quarantined();
        GuestServicesTest.Nx r = nx(rig, "history", "repair");
        assertEquals(1, r.rc(), r.lines().toString());
        assertEquals("nx: history repair failed: " + code, r.lines().get(r.lines().size() - 1));
        assertTrue(r.lines().stream().anyMatch(l -> l.startsWith(code + ": ") && l.contains(why)), r.lines().toString());
        assertArrayEquals(before, Files.readAllBytes(log), "the log as it was");
        assertArrayEquals(descriptor, Files.readAllBytes(domain), "domain.json as it was");
        assertEquals(quarantined, quarantined(), "nothing kept");
    }

    private List<Path> quarantined() throws Exception {
        try (Stream<Path> s = Files.list(rig.tree().quarantine())) {
            return s.sorted().toList();
        }
    }
}
