package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static io.trialboot.guest.UpdateRpcs.assertNxFails;
import static io.trialboot.guest.UpdateRpcs.indexOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.markers.Marker;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * updated's update operations through the {@code nx} CLI: an install, the feed, receipts and history,
 * the selfcheck an install needs, and the exit codes. Hostile media: {@link HostileUpdateRpcTest};
 * the trial that follows an install: {@link TrialRpcTest}.
 */
@ExtendWith(GuestRigExtension.class)
class UpdateRpcTest {
    static final String V110 = "pkg://updates/releases/1.1.0/manifest.nxm";
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
    }

    @Test
    void updateApplyVerifiesInstallsTheFullImageAndSwitchesToATrial() throws Exception {
        GuestServicesTest.Nx r = nx(rig, "update", "apply", V110);
        assertEquals(0, r.rc(), r.lines().toString());
        List<String> c = rig.lines();
        int manifest = indexOf(c, Marker.UPDATE_MANIFEST_OK.line("1.1.0", rig.keys.k1.keyId().hex()));
        int applied = indexOf(c, Marker.UPDATE_APPLY_OK.line("b", "full"));
        int await = indexOf(c, Marker.UPDATE_AWAIT_CONFIRM.line());
        assertTrue(manifest < applied && applied < await, c.toString());
        BootControlFile bc = rig.bootControl();
        assertEquals(Optional.of(Slot.B), bc.trial());
        assertEquals(3, bc.triesLeft());
        assertEquals(SlotState.VERIFIED, bc.slotB());
        UpdateReceipt receipt = rig.engine().receipts().list().get(0);
        assertEquals(UpdateReceipt.SwitchOutcome.TRIAL_SET, receipt.switchOutcome());
        assertEquals(Sha256.of(rig.v110).hex(), receipt.observedSha256());
        GuestServicesTest.Nx again = nx(rig, "update", "apply", V110);
        assertEquals(1, again.rc(), "a second install while the trial is pending is refused");
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line("UPDATE_WRONG_STATE", V110)), rig.lines().toString());
    }

    @Test
    void feedIsVerifiedAndListed() {
        GuestServicesTest.Nx r = nx(rig, "feed");
        assertEquals(0, r.rc());
        assertEquals(3, r.lines().size());
        assertTrue(r.lines().get(0).startsWith("1.1.0 releases/1.1.0/manifest.nxm sha256="), r.lines().toString());
        assertTrue(rig.lines().contains(Marker.UPDATES_FEED_LOADED.line(3)));
    }

    @Test
    void anInputOutsideTheMediaIsMalformedAndOnlyItsRefusalIsRecorded() throws Exception {
        long seq = rig.engine().history().lastSeq();
        GuestServicesTest.Nx r = nx(rig, "update", "apply", "pkg://updates/../../etc/passwd");
        assertEquals(1, r.rc());
        assertTrue(r.lines().get(0).startsWith("MALFORMED_INPUT: 'pkg://updates/../../etc/passwd' is not a media path"),
                r.lines().toString());
        assertEquals(seq + 1, rig.engine().history().lastSeq(), "one reject line (RefusalRecordsTest), nothing else");
        assertEquals(1, nx(rig, "update", "apply", "relative/manifest.nxm").rc());
    }

    @Test
    void withoutAnOkSelfcheckAnInstallIsRefusedByThePrecheck() throws Exception {
        HostStatus failing = new HostStatus(9, "build-test", List.of("log chain: broken"), List.of());
        failing.write(rig.tree().statusDir(), rig.tree().writer());
        GuestServicesTest.Nx r = nx(rig, "update", "apply", V110);
        assertEquals(1, r.rc());
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line("UPDATE_PRECHECK_FAILED", V110)), rig.lines().toString());
        assertEquals(SlotState.EMPTY, rig.bootControl().slotB());
    }

    @Test
    void mediaGoneDuringApplyLeavesTheSlotInvalidAndTheNextApplySucceeds() throws Exception {
        Path image = rig.paths.media().resolve("updates/releases/1.1.0/slot.img");
        Path aside = rig.root.resolve("slot.img.aside");
        Files.move(image, aside);
        byte[] a = Files.readAllBytes(rig.paths.slotA());
        assertNxFails(rig, Code.HOST_IO_ERROR, "update", "apply", V110);
        assertTrue(rig.lines().contains(Marker.UPDATE_APPLY_FAILED.line("HOST_IO_ERROR", "b")), rig.lines().toString());
        assertEquals(SlotState.INVALID, rig.bootControl().slotB());
        assertEquals(Optional.empty(), rig.bootControl().trial());
        assertEquals(Sha256.of(a), Sha256.of(Files.readAllBytes(rig.paths.slotA())), "active slot untouched");
        Files.move(aside, image);
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        assertEquals(Optional.of(Slot.B), rig.bootControl().trial());
    }

    @Test
    void receiptsAndHistoryAreListed() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        List<String> receipts = nx(rig, "receipts", "--json").lines();
        assertEquals(1, receipts.size());
        assertTrue(receipts.get(0).startsWith("{\"schemaVersion\":\"UpdateReceipt/2\""), receipts.get(0));
        List<String> h = nx(rig, "history").lines();
        assertEquals(List.of("boot", "selfcheck", "stage", "apply", "switch"), h.stream().map(l -> l.split(" ")[2]).toList());
        assertEquals(Marker.HISTORY_ENTRY.line(2, "selfcheck", "n=1 deep=false status=OK"), h.get(1));
    }

    @Test
    void switchNeedsTheAttemptOfAnInstalledReceipt() {
        NxClient client = new NxClient(rig.paths.socket());
        assertEquals(Code.MALFORMED_INPUT, client.call("Switch abc").code());
        assertEquals(Code.MALFORMED_INPUT, client.call("Switch").code());
        assertEquals(Code.HOST_NOT_FOUND, client.call("Switch 42").code());
    }

    @Test
    void deepSelfcheckRehashesTheSlotsAndACorruptSlotBlocksInstalls() throws Exception {
        GuestServicesTest.Nx ok = nx(rig, "selfcheck", "--deep");
        assertEquals(0, ok.rc());
        assertEquals(List.of("host_status_2.json: OK", "slot a: no verity root hash (its image carries no tree)"),
                ok.lines());
        byte[] a = Files.readAllBytes(rig.paths.slotA());
        a[100] ^= 1;
        Files.write(rig.paths.slotA(), a);
        GuestServicesTest.Nx bad = nx(rig, "selfcheck", "--deep");
        assertEquals(1, bad.rc());
        assertTrue(bad.lines().get(0).startsWith("UPDATE_PRECHECK_FAILED: host_status_3.json: slot a: "), bad.lines().toString());
        assertEquals(1, nx(rig, "update", "apply", V110).rc());
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line("UPDATE_PRECHECK_FAILED", V110)));
    }
}
