package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Fixture;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile media through {@code nx update apply} and {@code nx feed}: each refused with its code, exit
 * 1, its marker, a DENY receipt and a reject in the history, the input quarantined, slots and boot
 * control untouched.
 */
@ExtendWith(GuestRigExtension.class)
class HostileUpdateRpcTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
    }

    @Test
    void tamperedFeedIsRejectedAndQuarantined() throws Exception {
        Path feed = rig.paths.media().resolve("updates/feeds/stable.nxf");
        byte[] b = Files.readAllBytes(feed);
        b[b.length - 1] ^= 1;
        Files.write(feed, b);
        GuestServicesTest.Nx r = nx(rig, "feed");
        assertEquals(1, r.rc());
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line("SIG_INVALID", "pkg://updates/feeds/stable.nxf")),
                rig.lines().toString());
        assertQuarantined("feeds_stable.nxf", b);
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
        assertTrue(rig.lines().stream().anyMatch(l -> l.contains("none of it was read")), rig.lines().toString());
    }

    /** The media directory of the hostile case {@code name}, created. */
    private Path hostile(String name) throws Exception {
        return Files.createDirectories(rig.paths.media().resolve("updates/hostile/" + name));
    }

    /** Applies a hostile input and checks the whole rejection: exit 1, marker, DENY receipt, quarantine, slots untouched. */
    private void assertRejected(String hostileCase, Code code) throws Exception {
        String input = "pkg://updates/hostile/" + hostileCase + "/manifest.nxm";
        Path manifest = rig.paths.media().resolve("updates/hostile/" + hostileCase + "/manifest.nxm");
        byte[] a = Files.readAllBytes(rig.paths.slotA());
        byte[] b = Files.readAllBytes(rig.paths.slotB());
        BootControlFile before = rig.bootControl();
        UpdateRpcs.assertNxFails(rig, code, "update", "apply", input);
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line(code, input)), rig.lines().toString());
        UpdateReceipt receipt = rig.engine().receipts().list().get(0);
        assertEquals(UpdateReceipt.Decision.DENY, receipt.decision());
        assertEquals(code, receipt.reasonCodes().get(0));
        HistoryEntry last = rig.engine().history().read().get(rig.engine().history().read().size() - 1);
        assertEquals("reject", last.event());
        byte[] kept = Files.readAllBytes(manifest);
        assertQuarantined("manifest.nxm", kept.length > 64 * 1024 ? Arrays.copyOf(kept, 64 * 1024) : kept);
        assertEquals(Sha256.of(a), Sha256.of(Files.readAllBytes(rig.paths.slotA())), "slot a untouched");
        assertEquals(Sha256.of(b), Sha256.of(Files.readAllBytes(rig.paths.slotB())), "slot b untouched");
        assertEquals(before, rig.bootControl(), "boot control untouched");
    }

    private void assertQuarantined(String suffix, byte[] content) throws Exception {
        try (var q = Files.list(rig.tree().quarantine())) {
            Path kept = q.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                    .orElseThrow(() -> new AssertionError("nothing quarantined as *" + suffix));
            assertEquals(Sha256.of(content), Sha256.of(Files.readAllBytes(kept)));
        }
    }
}
