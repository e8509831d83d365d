package io.trialboot.hoststate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.SlotSnapshot.Role;
import io.trialboot.hoststate.SlotSnapshot.Segment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree's layout version, snapshot records with their log boundary and segment set, and courtesy-lease limits. */
class HostBoundaryTest {
    @TempDir
    Path dir;

    private static TrialbootException refused(Code code, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void aTreeCarriesItsLayoutVersionAndOneOfAnotherMajorVersionIsRefused() throws IOException {
        HostStateTree.create(dir, "dev-1");
        Path file = dir.resolve("asl-host").resolve(LayoutVersion.FILE);
        assertEquals("1.0\n", Files.readString(file));
        Files.writeString(file, "1.7\n");
        assertEquals(List.of(), HostStateTree.open(dir).missing(), "a newer minor version only adds");
        Files.writeString(file, "2.0\n");
        TrialbootException e = refused(Code.HOST_LAYOUT_UNSUPPORTED, () -> HostStateTree.open(dir));
        assertTrue(e.getMessage().contains("has layout version 2.0; this build reads major version 1 only"), e.getMessage());
        Files.writeString(file, "two\n");
        refused(Code.MALFORMED_INPUT, () -> HostStateTree.open(dir));
        Files.delete(file);
        refused(Code.HOST_NOT_FOUND, () -> HostStateTree.open(dir));
    }

    @Test
    void aSnapshotRecordCarriesItsLogBoundaryAndSegmentSet() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED, "k", "p", null);
        Sha256 image = Sha256.of(new byte[] {2});
        SlotSnapshot delta = SlotSnapshot.fromDelta(Slot.B, Version.parse("1.2.0"),
                new Segment(Role.BASE, Sha256.of(new byte[] {1}), 4096), new Segment(Role.DELTA, Sha256.of(new byte[] {3}), 77),
                image, 4096, 9);
        system.writeSnapshot(delta);
        String json = new String(delta.encode(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"log_seq\":9,\"segments\":[{\"role\":\"base\",\"sha256\":\""), json);
        assertEquals(delta, system.snapshot(Slot.B).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new SlotSnapshot(Slot.A, Version.parse("1.0.0"), image, 4096, 0,
                List.of(new Segment(Role.DELTA, image, 4096)), Optional.empty()));
        byte[] edited = json.replace("\"role\":\"base\"", "\"role\":\"patch\"").getBytes(StandardCharsets.UTF_8);
        refused(Code.MALFORMED_INPUT, () -> SlotSnapshot.decode(edited));
    }

    @Test
    void aCourtesyLeaseIsChargedPerSealedImageAndRefusesWritesOnceSpent() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        assertTrue(system.lease().isEmpty());
        system.recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "k", "p", null);
        CourtesyLease grant = HostPolicy.defaults().courtesyGrant();
        assertEquals(grant, system.lease().orElseThrow());
        Sha256 img = Sha256.of(new byte[] {1});
        refused(Code.HOST_LEASE_EXPIRED, () -> system.allocate(grant.storageCapBytes() + 1, "apply"));
        system.allocate(4096, "apply");
        system.writeSnapshot(SlotSnapshot.whole(Slot.B, Version.parse("1.1.0"), img, 4096, 1));
        assertEquals(new CourtesyLease(grant.storageCapBytes(), 2, 4096, 1), system.lease().orElseThrow());
        system.writeSnapshot(SlotSnapshot.whole(Slot.A, Version.parse("1.2.0"), img, 4096, 2));
        assertTrue(system.lease().orElseThrow().spent(), "two snapshots of two");
        assertEquals(Code.HOST_LEASE_EXPIRED, system.check(Capability.ALLOCATE_BLOCK));
        assertEquals(Code.HOST_OK, system.check(Capability.APPEND_LOG), "the history stays open");
        assertEquals(Code.HOST_OK, system.check(Capability.READ));
        TrialbootException e = refused(Code.HOST_LEASE_EXPIRED, () -> system.allocate(1, "apply"));
        assertTrue(e.getMessage().startsWith("HOST_LEASE_EXPIRED: apply needs ALLOCATE_BLOCK but domain 'system' is"
                + " COURTESY with its courtesy lease spent (8192 of "), e.getMessage());
        refused(Code.HOST_LEASE_EXPIRED,
                () -> system.writeSnapshot(SlotSnapshot.whole(Slot.B, Version.parse("1.3.0"), img, 4096, 3)));
        system.recordAdmission(AdmissionOutcome.ACCEPTED, "k", "p", null);
        assertTrue(system.lease().isEmpty(), "a full admission ends the lease");
        system.allocate(1, "apply");
    }

    @Test
    void aCourtesyDomainWithoutALeaseFileHasNone() throws IOException {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "k", "p", null);
        Files.delete(system.dir().resolve(CourtesyLease.FILE));
        assertEquals(Code.HOST_LEASE_EXPIRED, system.check(Capability.SEAL_BLOCK));
    }

    @Test
    void theLeaseLimitsAreTheHostPolicysAtAdmission() {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        tree.writePolicy(new HostPolicy(3, 120_000, false, 10_000, 3));
        Domain system = tree.system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "k", "p", null);
        assertEquals(new CourtesyLease(10_000, 3, 0, 0), system.lease().orElseThrow());
        Sha256 img = Sha256.of(new byte[] {1});
        TrialbootException e = refused(Code.HOST_LEASE_EXPIRED, () -> system.allocate(10_001, "apply"));
        assertTrue(e.getMessage().contains("has no room for 10001 bytes (0 of 10000 bytes, 0 of 3 snapshots used)"),
                e.getMessage());
        system.allocate(4096, "apply");
        system.writeSnapshot(SlotSnapshot.whole(Slot.B, Version.parse("1.1.0"), img, 4096, 1));
        system.writeSnapshot(SlotSnapshot.whole(Slot.A, Version.parse("1.2.0"), img, 4096, 2));
        refused(Code.HOST_LEASE_EXPIRED, () -> system.allocate(4096, "apply"));
        assertEquals(new CourtesyLease(10_000, 3, 8192, 2), system.lease().orElseThrow());
    }

    @Test
    void aPolicyWithoutRoomForAnyImageGrantsASpentLease() {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        tree.writePolicy(new HostPolicy(3, 120_000, false, 2 * 4096, 0));
        Domain system = tree.system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "k", "p", null);
        assertEquals(Code.HOST_LEASE_EXPIRED, system.check(Capability.ALLOCATE_BLOCK));
    }

    @Test
    void courtesyLimitsOutsideTheirRangeAreMalformedPolicy() {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        assertThrows(IllegalArgumentException.class, () -> new HostPolicy(3, 1, false, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> new HostPolicy(3, 1, false, 0, HostPolicy.MAX_COURTESY_SNAPSHOTS + 1));
        String json = new String(HostPolicy.defaults().encode(), StandardCharsets.UTF_8);
        assertTrue(json.endsWith(",\"courtesy_storage_cap_bytes\":" + HostPolicy.defaults().courtesyStorageCapBytes()
                + ",\"courtesy_snapshot_limit\":2}\n"), json);
        byte[] over = json.replace("\"courtesy_snapshot_limit\":2", "\"courtesy_snapshot_limit\":100000")
                .getBytes(StandardCharsets.UTF_8);
        refused(Code.MALFORMED_INPUT, () -> HostPolicy.decode(over));
        byte[] old = json.replace(",\"courtesy_storage_cap_bytes\":" + HostPolicy.defaults().courtesyStorageCapBytes()
                + ",\"courtesy_snapshot_limit\":2", "").getBytes(StandardCharsets.UTF_8);
        refused(Code.MALFORMED_INPUT, () -> HostPolicy.decode(old));
        assertEquals(HostPolicy.defaults(), tree.policy());
    }
}
