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
import io.trialboot.core.Version;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A verdict on a trial whose history cannot be written (docs/reliability.md, a verdict on a damaged
 * history): healthd's confirm or rollback, {@code nx confirm}, take effect in boot control; one line
 * names the history lines not written and the code; a rollback reboots, and the next boot runs the
 * slot boot control names; after {@code nx history repair} (a torn log) the first boot records the
 * lost lines, marked recovered.
 */
@ExtendWith(GuestRigExtension.class)
class DamagedHistoryVerdictTest {
    GuestRig rig;
    Path log;

    /** How the log is damaged, and the code it is then refused with. */
    enum Damage {
        TORN(Code.LOG_TORN), EDITED(Code.LOG_CHAIN_BROKEN), DELETED(Code.HOST_NOT_FOUND);

        final Code code;

        Damage(Code code) {
            this.code = code;
        }

        void to(Path log) throws Exception {
            switch (this) {
                case TORN -> DamagedHistoryBootTest.tear(log);
                case EDITED -> DamagedHistoryBootTest.editFirstLine(log);
                case DELETED -> Files.delete(log);
            }
        }
    }

    @BeforeEach
    void trialPending(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
        log = rig.tree().system().historyLog();
        assertEquals(0, nx(rig, "update", "apply", UpdateRpcTest.V110).rc(), rig.lines().toString());
        assertEquals(Optional.of(Slot.B), rig.bootControl().trial());
    }

    /** The lines of the last boot. */
    private List<String> lastBoot() {
        List<String> all = rig.lines();
        return all.subList(all.lastIndexOf("OpenSBI v1.1"), all.size());
    }

    /** The one warning line of {@code who} naming {@code lines} and {@code code}; where it stands in {@code console}. */
    private static int warning(List<String> console, String who, String lines, Code code) {
        LinePattern any = LinePattern.of(Marker.VERDICT_UNRECORDED);
        List<String> w = console.stream().filter(l -> any.match(l, Map.of()).isPresent()).toList();
        assertEquals(1, w.size(), console.toString());
        Optional<Map<String, String>> match = LinePattern.of(Marker.VERDICT_UNRECORDED, who, ":what", code.name())
                .match(w.get(0), Map.of());
        assertTrue(match.isPresent(), w.get(0));
        assertTrue(match.get().get("what").startsWith(lines + ": " + code + ": "), w.get(0));
        return console.indexOf(w.get(0));
    }

    /** The log's bytes now (empty when it is gone). */
    private byte[] logBytes() throws Exception {
        return Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aRollbackVerdictTakesEffectRebootsAndIsRecordedAfterTheRepair(Damage damage) throws Exception {
        damage.to(log);
        byte[] damaged = logBytes();
        rig.helloStart.put(Version.parse("1.1.0"), "--fail");
        rig.boot(); // the trial boot: unrecorded, and its health fails
        List<String> c = lastBoot();
        int w = warning(c, "healthd", "mark-bad, rollback, the attempt's receipt", damage.code);
        assertTrue(w < indexOf(c, Marker.HEALTH_FAIL_ROLLBACK.line()), c.toString());
        assertEquals(1, rig.reboots.get(), "healthd rebooted");
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        assertEquals(Optional.empty(), rig.bootControl().trial());
        assertArrayEquals(damaged, logBytes(), "nothing written to the damaged log");
        rig.boot();
        assertEquals(Slot.A, BootControl.running(rig.bootControl()), "the next boot runs the previous slot");
        assertTrue(lastBoot().contains(Marker.INIT_HEALTH_OK.line("a")), lastBoot().toString());
        if (damage == Damage.TORN) {
            assertEquals(0, nx(rig, "history", "repair").rc(), rig.lines().toString());
            rig.boot();
            List<HistoryEntry> h = rig.engine().history().read();
            HistoryEntry markBad = h.get(h.size() - 3);
            HistoryEntry rollback = h.get(h.size() - 2);
            assertTrue(markBad.event().equals("mark-bad") && "b".equals(markBad.field("slot")), h.toString());
            assertTrue(rollback.event().equals("rollback") && rollback.field("recovered") != null, h.toString());
            assertEquals(SwitchOutcome.ROLLED_BACK, rig.engine().receipts().list().get(0).switchOutcome());
        } else {
            assertArrayEquals(damaged, logBytes(), "no repair on the device: the log stays as it was");
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aHealthyTrialIsConfirmedAndItsLineRecordedAfterTheRepair(Damage damage) throws Exception {
        damage.to(log);
        byte[] damaged = logBytes();
        rig.boot(); // the trial boot: unrecorded, and healthy
        List<String> c = lastBoot();
        int w = warning(c, "healthd", "confirm, the attempt's receipt", damage.code);
        assertTrue(w < indexOf(c, Marker.HEALTH_TRIAL_OK.line()) && w < indexOf(c, Marker.INIT_HEALTH_OK.line("b")),
                c.toString());
        assertEquals(0, rig.reboots.get());
        assertEquals(Slot.B, rig.bootControl().active());
        assertEquals(SlotState.GOOD, rig.bootControl().slotB());
        assertEquals(Version.parse("1.1.0"), rig.engine().floor(), "the floor follows the confirm");
        assertArrayEquals(damaged, logBytes(), "nothing written to the damaged log");
        rig.boot();
        assertEquals(Slot.B, BootControl.running(rig.bootControl()), "the next boot runs the confirmed slot");
        if (damage == Damage.TORN) {
            assertEquals(0, nx(rig, "history", "repair").rc(), rig.lines().toString());
            rig.boot();
            List<HistoryEntry> h = rig.engine().history().read();
            HistoryEntry confirm = h.get(h.size() - 2);
            assertTrue(confirm.event().equals("confirm") && "b".equals(confirm.field("slot"))
                    && confirm.field("recovered") != null, h.toString());
            assertEquals(SwitchOutcome.CONFIRMED, rig.engine().receipts().list().get(0).switchOutcome());
        }
    }

    @Test
    void nxConfirmOnATornHistoryConfirmsAndSaysWhatTheHistoryDidNotTake() throws Exception {
        // stage 0 boots the trial slot; updated (still serving) reads boot control afresh
        Files.write(rig.paths.bootControl(), Stage0Model.boot(rig.bootControl()).encode());
        Damage.TORN.to(log);
        GuestServicesTest.Nx r = nx(rig, "confirm");
        assertEquals(0, r.rc(), r.lines().toString());
        assertEquals(List.of("active=b"), r.lines().subList(0, 1), r.lines().toString());
        List<String> c = rig.lines();
        int w = warning(c, "update", "confirm, the attempt's receipt", Code.LOG_TORN);
        assertTrue(w < indexOf(c, Marker.UPDATE_CONFIRMED.line("b", "1.1.0")), c.toString());
        assertEquals(Slot.B, rig.bootControl().active());
        assertEquals(SlotState.GOOD, rig.bootControl().slotB());
        assertEquals(Version.parse("1.1.0"), rig.engine().floor());
    }
}
