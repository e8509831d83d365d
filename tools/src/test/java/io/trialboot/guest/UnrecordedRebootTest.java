package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static io.trialboot.guest.UpdateRpcs.indexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.SlotState;
import io.trialboot.bootctl.Stage0Model;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.guest.DamagedHistoryVerdictTest.Damage;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code nx reboot} on a history that cannot take its line (docs/operator-guide.md, when the history
 * cannot be read): the device reboots anyway, as a power cycle, the only other way, would; one
 * {@link Marker#REBOOT_UNRECORDED} line names the line and the code, nothing is written to the log,
 * and the next boot runs the slot boot control names. A history that takes the line gets it, and no
 * warning comes.
 */
@ExtendWith(GuestRigExtension.class)
class UnrecordedRebootTest {
    private static final LinePattern ANY_WARNING = LinePattern.of(Marker.REBOOT_UNRECORDED);
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) {
        this.rig = rig;
    }

    /** Runs {@code nx reboot} on the booted rig and waits for the reset that follows its answer. */
    private void reboot() {
        int before = rig.reboots.get();
        GuestServicesTest.Nx r = nx(rig, "reboot");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (rig.reboots.get() == before && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the acceptor thread resets after it closed the reply
        }
        assertEquals(0, r.rc(), r.lines().toString());
        assertEquals(List.of("rebooting"), r.lines());
        assertEquals(before + 1, rig.reboots.get(), "nx reboot reset the machine");
    }

    /** The console's one warning that the reboot is not recorded, naming {@code code}; where it stands. */
    private static int warning(List<String> console, Code code) {
        List<String> w = console.stream().filter(l -> ANY_WARNING.match(l, Map.of()).isPresent()).toList();
        assertEquals(1, w.size(), console.toString());
        String why = LinePattern.of(Marker.REBOOT_UNRECORDED, "nx", ":why", code.name()).match(w.get(0), Map.of())
                .orElseThrow(() -> new AssertionError(w.get(0))).get("why");
        assertTrue(why.startsWith(code + ": "), w.get(0));
        return console.indexOf(w.get(0));
    }

    private static byte[] bytes(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void nxRebootOnADamagedHistoryRebootsAndNamesTheLineNotWritten(Damage damage) throws Exception {
        UpdateRpcs.bootReadyToInstall(rig); // two lines, the boot's and the selfcheck's: one to edit, one to break
        Path log = rig.tree().system().historyLog();
        damage.to(log);
        byte[] damaged = bytes(log);
        reboot();
        List<String> c = rig.lines();
        assertTrue(warning(c, damage.code) < indexOf(c, Marker.UPDATED_AUDIT.line("Reboot", "HOST_OK")), c.toString());
        assertArrayEquals(damaged, bytes(log), "nothing written to the damaged log");
        rig.boot();
        assertEquals(Slot.A, BootControl.running(rig.bootControl()), "the next boot runs the active slot");
    }

    /** The operator's way out of a trial on a torn log: nx rollback, then nx reboot into the slot it left. */
    @Test
    void nxRollbackThenNxRebootOnATornHistoryBootsThePreviousSlot() throws Exception {
        UpdateRpcs.bootReadyToInstall(rig);
        assertEquals(0, nx(rig, "update", "apply", UpdateRpcTest.V110).rc(), rig.lines().toString());
        // stage 0 boots the trial slot; updated (still serving) reads boot control afresh
        Files.write(rig.paths.bootControl(), Stage0Model.boot(rig.bootControl()).encode());
        Damage.TORN.to(rig.tree().system().historyLog());
        assertEquals(0, nx(rig, "rollback").rc(), rig.lines().toString());
        reboot();
        warning(rig.lines(), Code.LOG_TORN);
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        rig.boot();
        assertEquals(Slot.A, BootControl.running(rig.bootControl()), "the reboot left the trial for the previous slot");
    }

    @Test
    void aHistoryThatTakesTheLineRecordsTheRebootWithoutAWarning() throws Exception {
        rig.boot();
        reboot();
        assertEquals(List.of(), rig.lines().stream().filter(l -> ANY_WARNING.match(l, Map.of()).isPresent()).toList());
        List<HistoryEntry> h = rig.engine().history().read();
        HistoryEntry last = h.get(h.size() - 1);
        assertTrue(last.event().equals("reboot") && "nx".equals(last.field("by")), h.toString());
    }
}
