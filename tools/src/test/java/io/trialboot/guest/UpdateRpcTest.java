package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Fixture;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** updated's update operations through the {@code nx} CLI: the happy paths, hostile inputs, exit codes. */
@ExtendWith(GuestRigExtension.class)
class UpdateRpcTest {
    static final String V110 = "pkg://updates/releases/1.1.0/manifest.nxm";
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
        rig.boot();
        assertEquals(0, nx(rig, "selfcheck").rc(), "an install needs an OK host status first");
    }

    private List<String> console() {
        return rig.lines();
    }

    private static int indexOf(List<String> lines, String line) {
        int i = lines.indexOf(line);
        assertTrue(i >= 0, "missing console line '" + line + "' in\n" + String.join("\n", lines));
        return i;
    }

    @Test
    void updateApplyVerifiesInstallsTheFullImageAndSwitchesToATrial() throws Exception {
        GuestServicesTest.Nx r = nx(rig, "update", "apply", V110);
        assertEquals(0, r.rc(), r.lines().toString());
        List<String> c = console();
        int manifest = indexOf(c, "update: manifest ok ver=1.1.0 signer=" + rig.keys.k1.keyId().hex());
        int applied = indexOf(c, "update: apply ok slot=b kind=full");
        int await = indexOf(c, "update: await confirm");
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
        assertTrue(console().contains("update: rejected code=UPDATE_WRONG_STATE input=" + V110), console().toString());
    }

    @Test
    void feedIsVerifiedAndListed() {
        GuestServicesTest.Nx r = nx(rig, "feed");
        assertEquals(0, r.rc());
        assertEquals(3, r.lines().size());
        assertTrue(r.lines().get(0).startsWith("1.1.0 releases/1.1.0/manifest.nxm sha256="), r.lines().toString());
        assertTrue(console().contains("updates: feed loaded items=3"));
    }

    @Test
    void tamperedFeedIsRejectedAndQuarantined() throws Exception {
        Path feed = rig.paths.media().resolve("updates/feeds/stable.nxf");
        byte[] b = Files.readAllBytes(feed);
        b[b.length - 1] ^= 1;
        Files.write(feed, b);
        GuestServicesTest.Nx r = nx(rig, "feed");
        assertEquals(1, r.rc());
        assertTrue(console().contains("update: rejected code=SIG_INVALID input=pkg://updates/feeds/stable.nxf"),
                console().toString());
        assertQuarantined("feeds_stable.nxf", b);
    }

    private void assertQuarantined(String suffix, byte[] content) throws Exception {
        try (var q = Files.list(rig.tree().quarantine())) {
            Path kept = q.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing quarantined as *" + suffix));
            assertEquals(Sha256.of(content), Sha256.of(Files.readAllBytes(kept)));
        }
    }

    /** Applies a hostile input and checks the whole rejection: exit 1, marker, DENY receipt, quarantine, slots untouched. */
    private void assertRejected(String hostileCase, Code code) throws Exception {
        String input = "pkg://updates/hostile/" + hostileCase + "/manifest.nxm";
        Path manifest = rig.paths.media().resolve("updates/hostile/" + hostileCase + "/manifest.nxm");
        byte[] a = Files.readAllBytes(rig.paths.slotA());
        byte[] b = Files.readAllBytes(rig.paths.slotB());
        BootControlFile before = rig.bootControl();
        GuestServicesTest.Nx r = nx(rig, "update", "apply", input);
        assertEquals(1, r.rc(), r.lines().toString());
        assertEquals("nx: update apply " + input + " failed: " + code, r.lines().get(r.lines().size() - 1));
        assertTrue(console().contains("update: rejected code=" + code + " input=" + input), console().toString());
        UpdateReceipt receipt = rig.engine().receipts().list().get(0);
        assertEquals(UpdateReceipt.Decision.DENY, receipt.decision());
        assertEquals(code, receipt.reasonCodes().get(0));
        HistoryEntry last = rig.engine().history().read().get(rig.engine().history().read().size() - 1);
        assertEquals("reject", last.event());
        byte[] kept = Files.readAllBytes(manifest);
        assertQuarantined("manifest.nxm", kept.length > 64 * 1024 ? java.util.Arrays.copyOf(kept, 64 * 1024) : kept);
        assertEquals(Sha256.of(a), Sha256.of(Files.readAllBytes(rig.paths.slotA())), "slot a untouched");
        assertEquals(Sha256.of(b), Sha256.of(Files.readAllBytes(rig.paths.slotB())), "slot b untouched");
        assertEquals(before, rig.bootControl(), "boot control untouched");
    }

    private Path hostile(String name) throws Exception {
        return Files.createDirectories(rig.paths.media().resolve("updates/hostile/" + name));
    }

    @Test
    void rejectsAManifestWithABadSignature() throws Exception {
        Path dir = hostile("bad-signature");
        Path src = rig.paths.media().resolve("updates/releases/1.1.0/manifest.nxm");
        byte[] m = Files.readAllBytes(src);
        m[m.length / 2] ^= 1;
        Files.write(dir.resolve("manifest.nxm"), m);
        Files.copy(src.resolveSibling("manifest.nxm.sig"), dir.resolve("manifest.nxm.sig"));
        assertRejected("bad-signature", Code.SIG_INVALID);
    }

    @Test
    void rejectsAManifestSignedByARevokedKey() throws Exception {
        rig.release("hostile/revoked-key", "1.1.0", Fixture.COMPATIBLE, rig.paths.media().resolve(
                "updates/releases/1.1.0/slot.img"), Optional.of("releases/1.1.0/slot.img"), List.of(), rig.keys.k3);
        assertRejected("revoked-key", Code.KEY_REVOKED);
    }

    @Test
    void rejectsADowngradeBelowTheFloor() throws Exception {
        rig.release("hostile/downgrade", "0.9.0", Fixture.COMPATIBLE, rig.paths.media().resolve(
                "updates/releases/1.1.0/slot.img"), Optional.of("releases/1.1.0/slot.img"), List.of(), rig.keys.k1);
        assertRejected("downgrade", Code.UPDATE_VERSION_FLOOR);
    }

    @Test
    void rejectsAReleaseForAnotherDevice() throws Exception {
        rig.release("hostile/wrong-compatible", "1.1.0", "some-other-board", rig.paths.media().resolve(
                "updates/releases/1.1.0/slot.img"), Optional.of("releases/1.1.0/slot.img"), List.of(), rig.keys.k1);
        assertRejected("wrong-compatible", Code.COMPATIBLE_MISMATCH);
    }

    @Test
    void rejectsAnOversizeManifestWithoutReadingItWhole() throws Exception {
        Files.write(hostile("oversize").resolve("manifest.nxm"), new byte[64 * 1024 + 1]);
        Files.write(hostile("oversize").resolve("manifest.nxm.sig"), new byte[] {1});
        assertRejected("oversize", Code.HOST_INPUT_OVERSIZE);
    }

    @Test
    void rejectsADeltaWhoseBaseIsNotTheActiveImage() throws Exception {
        Path delta = rig.paths.media().resolve("updates/releases/1.2.0/from-1.1.0.nxdelta");
        rig.release("hostile/wrong-base", "1.2.0", Fixture.COMPATIBLE, rig.root.resolve("images/1.2.0.img"),
                Optional.empty(), List.of(new Packaging.DeltaInput(delta, "releases/1.2.0/from-1.1.0.nxdelta",
                        rig.paths.media().resolve("updates/releases/1.1.0/slot.img"))), rig.keys.k1);
        assertRejected("wrong-base", Code.BASE_MISMATCH);
    }

    /** #16: bytes of a delta that are not the signed ones are refused at stage time, before any parser or slot. */
    @Test
    void refusesADeltaChangedAfterSigningAtStageWithTheSlotsUntouched() throws Exception {
        Path base = Files.write(rig.root.resolve("images/1.0.0.img"), rig.v100);
        Path image = rig.paths.media().resolve("updates/releases/1.1.0/slot.img");
        Path delta = hostile("tampered-delta").resolve("from-1.0.0.nxdelta");
        try (OutputStream out = Files.newOutputStream(delta)) {
            new DeltaMaker().make(base, image, out);
        }
        rig.release("hostile/tampered-delta", "1.1.0", Fixture.COMPATIBLE, image, Optional.empty(),
                List.of(new Packaging.DeltaInput(delta, "hostile/tampered-delta/from-1.0.0.nxdelta", base)), rig.keys.k1);
        byte[] d = Files.readAllBytes(delta);
        d[d.length - 1] ^= 1;
        Files.write(delta, d);
        assertRejected("tampered-delta", Code.ARTIFACT_DIGEST_MISMATCH);
        assertTrue(console().stream().anyMatch(l -> l.contains("none of it was read")), console().toString());
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
        io.trialboot.records.HostStatus failing = new io.trialboot.records.HostStatus(9, "build-test",
                List.of("log chain: broken"), List.of());
        failing.write(rig.tree().statusDir(), rig.tree().writer());
        GuestServicesTest.Nx r = nx(rig, "update", "apply", V110);
        assertEquals(1, r.rc());
        assertTrue(console().contains("update: rejected code=UPDATE_PRECHECK_FAILED input=" + V110), console().toString());
        assertEquals(SlotState.EMPTY, rig.bootControl().slotB());
    }

    @Test
    void mediaGoneDuringApplyLeavesTheSlotInvalidAndTheNextApplySucceeds() throws Exception {
        Path image = rig.paths.media().resolve("updates/releases/1.1.0/slot.img");
        Path aside = rig.root.resolve("slot.img.aside");
        Files.move(image, aside);
        byte[] a = Files.readAllBytes(rig.paths.slotA());
        GuestServicesTest.Nx r = nx(rig, "update", "apply", V110);
        assertEquals(1, r.rc());
        assertEquals("nx: update apply " + V110 + " failed: HOST_IO_ERROR", r.lines().get(r.lines().size() - 1));
        assertTrue(console().contains("update: apply failed code=HOST_IO_ERROR slot=b"), console().toString());
        assertEquals(SlotState.INVALID, rig.bootControl().slotB());
        assertEquals(Optional.empty(), rig.bootControl().trial());
        assertEquals(Sha256.of(a), Sha256.of(Files.readAllBytes(rig.paths.slotA())), "active slot untouched");
        Files.move(aside, image);
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        assertEquals(Optional.of(Slot.B), rig.bootControl().trial());
    }

    @Test
    void rollbackOfAPendingTrialMarksItBadAndNamesTheOperator() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        GuestServicesTest.Nx r = nx(rig, "rollback");
        assertEquals(0, r.rc(), r.lines().toString());
        assertTrue(console().contains("update: rollback -> slot a"), console().toString());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        assertEquals(Optional.empty(), rig.bootControl().trial());
        List<String> h = nx(rig, "history").lines();
        assertTrue(h.stream().anyMatch(l -> l.matches("history: #\\d+ mark-bad slot=b code=OPERATOR_ROLLBACK .*")), h.toString());
    }

    @Test
    void confirmWithoutATrialIsRefused() throws Exception {
        GuestServicesTest.Nx r = nx(rig, "confirm");
        assertEquals(1, r.rc());
        assertEquals("nx: confirm failed: BOOTCTL_INVALID_TRANSITION", r.lines().get(r.lines().size() - 1), r.lines().toString());
        assertEquals(SlotState.GOOD, rig.bootControl().slotA());
    }

    @Test
    void rollbackWithNoOtherGoodSlotIsRefused() throws Exception {
        GuestServicesTest.Nx r = nx(rig, "rollback");
        assertEquals(1, r.rc());
        assertEquals("nx: rollback failed: SLOT_NOT_BOOTABLE", r.lines().get(r.lines().size() - 1), r.lines().toString());
        assertEquals(Slot.A, rig.bootControl().active());
    }

    @Test
    void nxConfirmOnTheTrialBootMakesTheSlotActiveAndRaisesTheFloor() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        // stage 0 boots the trial slot; updated (still serving) reads boot control afresh
        Files.write(rig.paths.bootControl(), io.trialboot.bootctl.Stage0Model.boot(rig.bootControl()).encode());
        GuestServicesTest.Nx r = nx(rig, "confirm");
        assertEquals(0, r.rc(), r.lines().toString());
        assertTrue(console().contains("update: confirmed slot=b ver=1.1.0"), console().toString());
        assertEquals(Slot.B, rig.bootControl().active());
        assertEquals(SlotState.GOOD, rig.bootControl().slotB());
        assertEquals("1.1.0", rig.engine().floor().toString());
    }

    @Test
    void healthdTimeoutOnATrialBootMarksItBadAndReboots() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        rig.cmdline = KernelCmdline.parse("trialboot.health_timeout_s=5");
        rig.helloStart.put(io.trialboot.core.Version.parse("1.1.0"), "--never-ready");
        rig.boot();
        List<String> c = console();
        assertTrue(c.contains("healthd: slot b (trial): HEALTH_TIMEOUT after 5000 ms: ready=[bootctld, updated,"
                + " bundlemgrd] failed=[] pending=[bundle hello]"), c.toString());
        assertTrue(indexOf(c, "health: fail -> rollback") > c.lastIndexOf("OpenSBI v1.1"));
        assertEquals(1, rig.reboots.get());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        assertEquals(Slot.A, rig.bootControl().active());
    }

    @Test
    void aBundleThatFailsToStartFailsHealthAtOnce() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        rig.helloStart.put(io.trialboot.core.Version.parse("1.1.0"), "--fail");
        rig.boot();
        List<String> c = console();
        int failed = indexOf(c, "bundle hello: failed code=HEALTH_PROBE_FAILED");
        assertTrue(failed < indexOf(c, "health: fail -> rollback"));
        assertTrue(c.stream().anyMatch(l -> l.startsWith("healthd: slot b (trial): HEALTH_PROBE_FAILED after 0 ms")), c.toString());
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
    }

    @Test
    void receiptsAndHistoryAreListed() throws Exception {
        assertEquals(0, nx(rig, "update", "apply", V110).rc());
        List<String> receipts = nx(rig, "receipts", "--json").lines();
        assertEquals(1, receipts.size());
        assertTrue(receipts.get(0).startsWith("{\"schemaVersion\":\"UpdateReceipt/1\""), receipts.get(0));
        List<String> h = nx(rig, "history").lines();
        assertEquals(List.of("boot", "selfcheck", "stage", "apply", "switch"), h.stream().map(l -> l.split(" ")[2]).toList());
        assertEquals("history: #2 selfcheck n=1 deep=false status=OK", h.get(1));
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
        assertTrue(console().contains("update: rejected code=UPDATE_PRECHECK_FAILED input=" + V110));
    }
}
