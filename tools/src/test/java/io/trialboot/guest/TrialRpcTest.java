package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static io.trialboot.guest.UpdateRpcTest.V110;
import static io.trialboot.guest.UpdateRpcs.assertNxFails;
import static io.trialboot.guest.UpdateRpcs.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.SlotState;
import io.trialboot.bootctl.Stage0Model;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.markers.Marker;
import io.trialboot.update.HealthVerdict;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The trial an install sets, through {@code nx} and healthd: confirm, rollback (and each refused when
 * there is nothing to confirm or no slot to go back to), and a trial boot that fails health.
 */
@ExtendWith(GuestRigExtension.class)
class TrialRpcTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
    }

    @Test
    void rollbackOfAPendingTrialMarksItBadAndNamesTheOperator() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        GuestServicesTest.Nx r = nx(rig, "rollback");
        assertEquals(0, r.rc(), r.lines().toString());
        assertTrue(rig.lines().contains(Marker.UPDATE_ROLLED_BACK.line("a")), rig.lines().toString());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        assertEquals(Optional.empty(), rig.bootControl().trial());
        List<String> h = nx(rig, "history").lines();
        assertTrue(h.stream().anyMatch(l -> MarkerLines.is(l, Marker.HISTORY_ENTRY, "*", "mark-bad", "*")
                && l.contains(" mark-bad slot=b code=OPERATOR_ROLLBACK ")), h.toString());
    }

    @Test
    void confirmWithoutATrialIsRefused() throws Exception {
        assertNxFails(rig, Code.BOOTCTL_INVALID_TRANSITION, "confirm");
        assertEquals(SlotState.GOOD, rig.bootControl().slotA());
    }

    @Test
    void rollbackWithNoOtherGoodSlotIsRefused() throws Exception {
        assertNxFails(rig, Code.SLOT_NOT_BOOTABLE, "rollback");
        assertEquals(Slot.A, rig.bootControl().active());
    }

    @Test
    void nxConfirmOnTheTrialBootMakesTheSlotActiveAndRaisesTheFloor() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        // stage 0 boots the trial slot; updated (still serving) reads boot control afresh
        Files.write(rig.paths.bootControl(), Stage0Model.boot(rig.bootControl()).encode());
        GuestServicesTest.Nx r = nx(rig, "confirm");
        assertEquals(0, r.rc(), r.lines().toString());
        assertTrue(rig.lines().contains(Marker.UPDATE_CONFIRMED.line("b", "1.1.0")), rig.lines().toString());
        assertEquals(Slot.B, rig.bootControl().active());
        assertEquals(SlotState.GOOD, rig.bootControl().slotB());
        assertEquals("1.1.0", rig.engine().floor().toString());
    }

    @Test
    void healthdTimeoutOnATrialBootMarksItBadAndReboots() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        rig.cmdline = KernelCmdline.parse("trialboot.health_timeout_s=5");
        rig.helloStart.put(Version.parse("1.1.0"), "--never-ready");
        rig.boot();
        List<String> c = rig.lines();
        HealthVerdict timedOut = new HealthVerdict(Code.HEALTH_TIMEOUT, List.of("bootctld", "updated", "bundlemgrd"), List.of(),
                List.of("bundle hello"), 5000);
        assertTrue(c.contains(Marker.HEALTHD_TRIAL_VERDICT.line("b", timedOut.summary())), c.toString());
        assertTrue(indexOf(c, Marker.HEALTH_FAIL_ROLLBACK.line()) > c.lastIndexOf("OpenSBI v1.1"));
        assertEquals(1, rig.reboots.get());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        assertEquals(Slot.A, rig.bootControl().active());
    }

    @Test
    void aBundleThatFailsToStartFailsHealthAtOnce() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        rig.helloStart.put(Version.parse("1.1.0"), "--fail");
        rig.boot();
        List<String> c = rig.lines();
        int failed = indexOf(c, Marker.BUNDLE_FAILED.line("hello", "HEALTH_PROBE_FAILED"));
        assertTrue(failed < indexOf(c, Marker.HEALTH_FAIL_ROLLBACK.line()));
        assertTrue(c.stream().anyMatch(l -> MarkerLines.is(l, Marker.HEALTHD_TRIAL_VERDICT, "b", "*")
                && MarkerLines.captures(l, Marker.HEALTHD_TRIAL_VERDICT, "b", ":v").get("v").startsWith("HEALTH_PROBE_FAILED after 0 ms")),
                c.toString());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
    }
}
