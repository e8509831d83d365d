package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt.Decision;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import io.trialboot.records.UpdateReceipt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateEngineTest {
    @TempDir
    Path dir;
    Rig rig;
    UpdateEngine engine;

    @BeforeEach
    void device() throws IOException {
        rig = new Rig(dir);
        engine = rig.bootedEngine();
    }

    private static final HealthVerdict HEALTHY = new HealthVerdict(Code.HOST_OK, List.of("updated"), List.of(),
            List.of(), 10);
    private static final HealthVerdict TIMED_OUT = new HealthVerdict(Code.HEALTH_TIMEOUT, List.of(), List.of(),
            List.of("bundle hello"), 120_000);

    private List<String> events() {
        return engine.history().read().stream().map(HistoryEntry::event).toList();
    }

    private UpdateReceipt installAndSwitch(InstallPlan r, byte[] artifact) {
        return Rig.installAndSwitch(engine, r, artifact);
    }

    @Test
    void fullUpdateTrialBootConfirmRaisesTheFloor() {
        UpdateReceipt sw = installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        assertEquals(SwitchOutcome.TRIAL_SET, sw.switchOutcome());
        assertEquals(Optional.of(Slot.B), rig.bootControl().trial());
        rig.reboot();
        engine.onBoot();
        assertEquals(UpdateEngine.Outcome.CONFIRMED, engine.onHealth(HEALTHY).outcome());
        BootControlFile bc = rig.bootControl();
        assertEquals(Slot.B, bc.active());
        assertEquals(SlotState.GOOD, bc.slotB());
        assertEquals(Version.parse("1.1.0"), engine.floor());
        assertEquals(SwitchOutcome.CONFIRMED, engine.receipts().list().get(0).switchOutcome());
        assertEquals(List.of("boot", "stage", "apply", "switch", "boot", "confirm"), events());
        assertTrue(rig.tree().system().descriptor().currentSnapshot().startsWith("slot-b@"));
        assertArrayEquals(rig.v2, rig.devices.get(Slot.B).prefix(rig.v2.length));
        assertTrue(engine.selfcheck(true).ok(), engine.selfcheck(true).failures().toString());
    }

    @Test
    void unhealthyTrialIsMarkedBadAndRolledBack() {
        installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        engine.onBoot();
        assertEquals(UpdateEngine.Outcome.ROLLED_BACK, engine.onHealth(TIMED_OUT).outcome());
        BootControlFile bc = rig.bootControl();
        assertEquals(SlotState.BAD, bc.slotB());
        assertEquals(Optional.empty(), bc.trial());
        UpdateReceipt r = engine.receipts().list().get(0);
        assertEquals(SwitchOutcome.ROLLED_BACK, r.switchOutcome());
        assertEquals(List.of(Code.HEALTH_TIMEOUT), r.reasonCodes());
        rig.reboot();
        engine.onBoot();
        assertEquals(Optional.of(Slot.A), rig.bootControl().booted());
        assertEquals(List.of("boot", "stage", "apply", "switch", "boot", "mark-bad", "rollback", "boot"), events());
        assertEquals(Version.parse("1.0.0"), engine.floor()); // the running good image, raised at boot
    }

    @Test
    void crashLoopingTrialIsRolledBackByStageZeroAndRecordedOnTheNextBoot() {
        installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        for (int i = 0; i < 3; i++) {
            rig.reboot(); // the trial slot dies before healthd: nothing is recorded
        }
        rig.reboot();
        engine.onBoot();
        BootControlFile bc = rig.bootControl();
        assertEquals(Optional.of(Slot.A), bc.booted());
        assertEquals(SlotState.BAD, bc.slotB());
        assertEquals(Optional.empty(), bc.fallback());
        HistoryEntry rollback = engine.history().read().get(7); // after the three tries' start-failed lines
        assertEquals("rollback", rollback.event());
        assertEquals("crash-loop: trial ran out of tries", rollback.field("reason"));
        assertEquals(List.of(Code.HOST_LEASE_EXPIRED), engine.receipts().list().get(0).reasonCodes());
    }

    @Test
    void deltaUpdateFromTheActiveSlot() throws IOException {
        byte[][] delta = new byte[1][];
        InstallPlan r = rig.delta("1.2.0", rig.factory, rig.v3, delta);
        assertTrue(delta[0].length < 2_000, "delta " + delta[0].length);
        UpdateReceipt sw = installAndSwitch(r, delta[0]);
        assertEquals(Rig.image(rig.v3).digest().hex(), sw.observedSha256());
        assertArrayEquals(rig.v3, rig.devices.get(Slot.B).prefix(rig.v3.length));
        io.trialboot.hoststate.SlotSnapshot snap = rig.tree().system().snapshot(Slot.B).orElseThrow();
        assertEquals(List.of(r.base().orElseThrow().digest(), r.artifact().digest(), r.target().digest()),
                snap.segments().stream().map(io.trialboot.hoststate.SlotSnapshot.Segment::sha256).toList(),
                "the segment set: base, delta, image");
        assertEquals("apply", engine.history().read().get((int) snap.logSeq() - 1).event(), "the log boundary is the apply line");
    }

    @Test
    void deltaForAnotherBaseIsDeniedAndQuarantined() throws IOException {
        byte[][] delta = new byte[1][];
        InstallPlan r = rig.delta("1.2.0", rig.v2, rig.v3, delta);
        UpdateReceipt denied = engine.admit(r, "rel-1.2.0.manifest", new byte[] {9, 9});
        assertEquals(Decision.DENY, denied.decision());
        assertEquals(List.of(Code.DELTA_BASE_MISMATCH), denied.reasonCodes());
        assertEquals(1, Files.list(rig.tree().quarantine()).count());
        assertEquals(0, rig.devices.get(Slot.B).writes);
        assertEquals("reject", engine.history().read().get(1).event());
        assertEquals(Code.UPDATE_WRONG_STATE, assertThrows(TrialbootException.class,
                () -> engine.apply(denied, r, new ByteArrayInputStream(delta[0]))).code());
    }

    /** v1.1.0 installed into slot b, trial-booted and confirmed: the floor is 1.1.0. */
    private void confirm110() {
        installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        engine.onBoot();
        engine.onHealth(HEALTHY);
        engine.selfcheck(false);
    }

    @Test
    void releaseBelowTheFloorIsDenied() {
        confirm110();
        UpdateReceipt denied = engine.admit(Rig.full("1.0.5", rig.v3), "m", new byte[] {1});
        assertEquals(List.of(Code.UPDATE_VERSION_FLOOR), denied.reasonCodes());
    }

    @Test
    void replayOfTheInstalledReleaseIsDenied() {
        confirm110();
        UpdateReceipt denied = engine.admit(Rig.full("1.1.0", rig.v2), "m", new byte[] {1});
        assertEquals(List.of(Code.UPDATE_VERSION_FLOOR), denied.reasonCodes());
        assertEquals("reject", events().get(events().size() - 1));
    }

    @Test
    void releaseWhoseMinVersionIsAboveTheInstalledIsDenied() {
        InstallPlan plain = Rig.full("1.2.0", rig.v2);
        InstallPlan needs110 = InstallPlan.full(plain.releaseId(), plain.version(), Version.parse("1.1.0"),
                plain.target(), Optional.empty());
        UpdateReceipt denied = engine.admit(needs110, "m", new byte[] {1});
        assertEquals(List.of(Code.UPDATE_MIN_VERSION), denied.reasonCodes());
        assertEquals(Decision.ALLOW, engine.admit(plain, "m", new byte[] {1}).decision(), "the same release without a minimum");
    }

    @Test
    void installWithoutAnOkHostStatusIsRefused() throws IOException {
        Files.writeString(rig.tree().trustedRoots().resolve("root.pub"), "");
        Files.delete(rig.tree().trustedRoots().resolve("root.pub"));
        HostStatus failing = engine.selfcheck(false);
        assertTrue(failing.failures().get(0).startsWith("trust store:"), failing.failures().toString());
        UpdateReceipt denied = engine.admit(Rig.full("1.1.0", rig.v2), "m", new byte[] {1});
        assertEquals(List.of(Code.UPDATE_PRECHECK_FAILED), denied.reasonCodes());
    }

    @Test
    void corruptMediaLeavesTheSlotInvalidAndTheReceiptFailed() {
        InstallPlan r = Rig.full("1.1.0", rig.v2);
        UpdateReceipt allowed = engine.admit(r, "m", new byte[] {1});
        byte[] corrupt = rig.v2.clone();
        corrupt[100] ^= 1;
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> engine.apply(allowed, r, new ByteArrayInputStream(corrupt)));
        assertEquals(Code.ARTIFACT_DIGEST_MISMATCH, e.code());
        assertEquals(SlotState.INVALID, rig.bootControl().slotB());
        UpdateReceipt failed = engine.receipts().list().get(0);
        assertEquals(InstallStatus.FAILED, failed.installStatus());
        assertEquals(List.of(Code.ARTIFACT_DIGEST_MISMATCH), failed.reasonCodes());
        assertEquals(Code.UPDATE_WRONG_STATE, assertThrows(TrialbootException.class,
                () -> engine.switchSlot(failed)).code());
    }

    @Test
    void courtesyDomainMayInstallButNotSwitch() {
        rig.tree().system().recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "rootkey", "policy", null);
        InstallPlan r = Rig.full("1.1.0", rig.v2);
        UpdateReceipt installed = engine.apply(engine.admit(r, "m", new byte[] {1}), r,
                new ByteArrayInputStream(rig.v2));
        TrialbootException e = assertThrows(TrialbootException.class, () -> engine.switchSlot(installed));
        assertEquals(Code.HOST_ADMISSION_REJECTED, e.code());
        assertTrue(e.getMessage().startsWith("HOST_ADMISSION_REJECTED: switch needs PUBLISH_SNAPSHOT"));
    }

    @Test
    void manualRollbackBelowTheFloorIsRefused() {
        installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        engine.onBoot();
        engine.onHealth(HEALTHY);
        TrialbootException e = assertThrows(TrialbootException.class, () -> engine.rollback(Code.HOST_OK, "operator"));
        assertEquals(Code.UPDATE_VERSION_FLOOR, e.code());
        assertTrue(e.getMessage().startsWith("UPDATE_VERSION_FLOOR: slot a holds 1.0.0, below the anti-rollback floor 1.1.0"),
                e.getMessage());
        assertEquals(Slot.B, rig.bootControl().active());
    }

    @Test
    void secondInstallDuringATrialIsRefused() {
        installAndSwitch(Rig.full("1.1.0", rig.v2), rig.v2);
        UpdateReceipt denied = engine.admit(Rig.full("1.2.0", rig.v3), "m", new byte[] {1});
        assertEquals(List.of(Code.UPDATE_WRONG_STATE), denied.reasonCodes());
    }
}
