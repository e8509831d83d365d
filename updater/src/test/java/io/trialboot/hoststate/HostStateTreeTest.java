package io.trialboot.hoststate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostStateTreeTest {
    @TempDir
    Path dir;

    @Test
    void createLaysDownTheSeedLayoutWithFactoryBootControl() throws IOException {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        Path root = dir.resolve("asl-host");
        for (String d : List.of("host/trusted-roots", "federation/peers", "quarantine",
                "domains/system/admission", "domains/system/store/blocks/open", "domains/system/store/blocks/sealed",
                "domains/system/store/blocks/gc", "domains/system/store/objects", "domains/system/index/segments",
                "domains/system/log", "domains/system/snapshots", "domains/system/leases", "domains/system/tmp")) {
            assertTrue(Files.isDirectory(root.resolve(d)), d);
        }
        assertEquals("dev-1\n", Files.readString(root.resolve("host/host-id")));
        assertEquals(BootControlFile.factory(), BootControlFile.decode(Files.readAllBytes(dir.resolve(BootControlFile.PATH))));
        DomainDescriptor d = tree.system().descriptor();
        assertEquals(DomainState.UNRECOGNIZED, d.state());
        assertEquals(0, d.currentLogseq());
        assertEquals(HostPolicy.defaults(), tree.policy());
        assertEquals(List.of(), HostStateTree.open(dir).missing());
    }

    @Test
    void createIsDeterministic(@TempDir Path other) throws IOException {
        HostStateTree.create(dir, "dev-1");
        HostStateTree.create(other, "dev-1");
        assertEquals(contents(dir), contents(other));
    }

    private static Map<String, String> contents(Path base) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                m.put(base.relativize(p).toString(), Files.isDirectory(p) ? "/" : Files.readString(p));
            }
        }
        return m;
    }

    @Test
    void policyIsReplacedAndReadBack() {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        tree.writePolicy(new HostPolicy(2, 30_000, true, 4096, 1));
        assertEquals(new HostPolicy(2, 30_000, true, 4096, 1), HostStateTree.open(dir).policy());
    }

    @Test
    void createRefusesAnExistingTree() {
        HostStateTree.create(dir, "dev-1");
        TrialbootException e = assertThrows(TrialbootException.class, () -> HostStateTree.create(dir, "dev-1"));
        assertEquals(Code.HOST_EXISTS, e.code());
    }

    @Test
    void openReportsMissingTreeAndMissingParts() throws IOException {
        assertEquals(Code.HOST_NOT_FOUND, assertThrows(TrialbootException.class, () -> HostStateTree.open(dir)).code());
        HostStateTree.create(dir, "dev-1");
        Files.delete(dir.resolve("asl-host/domains/system/domain.json"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> HostStateTree.open(dir));
        assertEquals(Code.HOST_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("domains/system/domain.json"), e.getMessage());
    }

    @Test
    void rejectsHostIdWithSlash() {
        TrialbootException e = assertThrows(TrialbootException.class, () -> HostStateTree.create(dir, "a/b"));
        assertEquals(Code.MALFORMED_INPUT, e.code());
    }

    @Test
    void admissionGatesSlotSwitching() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        assertEquals(Code.HOST_ADMISSION_REJECTED, system.check(Capability.PUBLISH_SNAPSHOT));
        assertEquals(Code.HOST_OK, system.check(Capability.INSPECT));
        assertEquals(Code.HOST_OK, system.recordAdmission(AdmissionOutcome.ACCEPTED_LIMITED, "k1", "p1", null));
        assertEquals(Code.HOST_OK, system.check(Capability.APPEND_LOG));
        assertEquals(Code.HOST_ADMISSION_REJECTED, system.check(Capability.PUBLISH_SNAPSHOT));
        assertEquals(Code.HOST_OK, system.recordAdmission(AdmissionOutcome.ACCEPTED, "k1", "p1", null));
        assertEquals(Code.HOST_OK, system.check(Capability.PUBLISH_SNAPSHOT));
        assertEquals("k1", system.descriptor().rootKeyFingerprint());
    }

    @Test
    void suspendedBlocksWritesAndRevokedBlocksAllButInspection() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED, "k1", "p1", null);
        system.recordAdmission(AdmissionOutcome.SUSPENDED, "k1", "p1", null);
        assertEquals(Code.HOST_DOMAIN_SUSPENDED, system.check(Capability.APPEND_LOG));
        assertEquals(Code.HOST_OK, system.check(Capability.READ));
        system.recordAdmission(AdmissionOutcome.REVOKED, "k1", "p1", null);
        assertEquals(Code.HOST_DOMAIN_REVOKED, system.check(Capability.READ));
        assertEquals(Code.HOST_OK, system.check(Capability.INSPECT));
        assertEquals(Code.HOST_DOMAIN_REVOKED, system.recordAdmission(AdmissionOutcome.ACCEPTED, "k", "p", null));
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> system.require(Capability.PUBLISH_SNAPSHOT, "switch"));
        assertEquals(Code.HOST_DOMAIN_REVOKED, e.code());
        assertTrue(e.getMessage().startsWith("HOST_DOMAIN_REVOKED: switch needs PUBLISH_SNAPSHOT"), e.getMessage());
    }

    @Test
    void rejectedAdmissionIsReported() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        assertEquals(Code.HOST_ADMISSION_REJECTED, system.recordAdmission(AdmissionOutcome.REJECTED, "k", "p", null));
        assertEquals(DomainState.UNRECOGNIZED, system.descriptor().state());
    }

    @Test
    void snapshotsAndObjectsRoundTrip() {
        Domain system = HostStateTree.create(dir, "dev-1").system();
        system.recordAdmission(AdmissionOutcome.ACCEPTED, "k1", "p1", null);
        SlotSnapshot s = SlotSnapshot.whole(Slot.A, Version.parse("1.0.0"), Sha256.of(new byte[] {1}), 4096, 0);
        system.writeSnapshot(s);
        assertEquals(s, system.snapshot(Slot.A).orElseThrow());
        assertTrue(system.snapshot(Slot.B).isEmpty());
        system.clearSnapshot(Slot.A);
        assertTrue(system.snapshot(Slot.A).isEmpty());
        byte[] content = "manifest".getBytes(StandardCharsets.UTF_8);
        Sha256 d = system.putObject(content);
        assertArrayEquals(content, system.object(d));
    }

    @Test
    void quarantineKeepsRejectedInputByDigest() throws IOException {
        HostStateTree tree = HostStateTree.create(dir, "dev-1");
        Path f = tree.quarantine("../evil manifest", new byte[] {7});
        assertEquals(tree.quarantine(), f.getParent());
        assertTrue(f.getFileName().toString().endsWith("-.._evil_manifest"), f.toString());
    }

    @Test
    void domainJsonRejectsUnknownFields() {
        byte[] bad = "{\"domain_id\":\"system\",\"state\":\"FULL\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> DomainDescriptor.decode(bad)).code());
    }
}
