package io.trialboot.tools;

import static io.trialboot.tools.ToolFixture.ok;
import static io.trialboot.tools.ToolFixture.p;
import static io.trialboot.tools.ToolFixture.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.tools.ToolFixture.Result;
import io.trialboot.trust.KeyId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trialboot admit}: a state tree provisioned, an {@code nx admit} directory for the media
 * (rotating and revoking a release key), and what it refuses before writing a byte: a record its
 * own root could not stand behind, a root the tree does not pin, a directory written before.
 */
class AdmitCommandTest {
    @TempDir
    static Path dir;
    private static ToolFixture tool;

    @BeforeAll
    static void buildOnce() throws Exception {
        tool = ToolFixture.create(dir);
    }

    /** {@code admit}'s record options, for the domain of {@link ToolFixture}, then {@code more}. */
    private static String[] admit(String rootKey, String... more) {
        List<String> a = new ArrayList<>(List.of("admit", "--root-key", p(tool.key(rootKey)),
                "--compatible", "trialboot-riscv64-virt", "--policy", p(tool.input("policy.json"))));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static String id(String pub) throws Exception {
        return KeyId.of(Keys.loadPublicKey(tool.key(pub))).hex();
    }

    @Test
    void rotatesAReleaseKeyWithAnAdmissionDirectoryTheDeviceAccepts() throws Exception {
        Path media = dir.resolve("rotate/updates/admission/rotate-2");
        Result r = ok(admit("root.key", "--key", p(tool.key("other.pub")), "--revoke", p(tool.key("release.pub")),
                "--out", p(media), "--decision", "ACCEPTED", "--sequence", "2"));
        assertTrue(r.out().startsWith("admission record for domain system (single-witness, 1 key(s), 1 revoked) signed by root "
                + id("root.pub") + ", decision 2 ACCEPTED -> "), r.out());
        assertEquals(List.of("admission-decision.cbor", "admission-decision.sig", "dam.cbor", "dam.sig"), names(media));
        assertTrue(ok("verify", "--state", p(tool.state()), p(media.resolve("admission-decision.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission decision 2 ACCEPTED for domain system signed by a pinned root"));

        // The same record in a tree: the old key's release is revoked, a release by the new key passes.
        Path rotated = dir.resolve("rotated-state");
        ok(admit("root.key", "--key", p(tool.key("other.pub")), "--revoke", id("release.pub"), "--state", p(rotated)));
        Path m = tool.built().resolve("updates/manifests/1.1.0.nxm");
        Result old = run("verify", "--state", p(rotated), p(m));
        assertEquals(1, old.status());
        assertTrue(old.out().startsWith("DENY KEY_REVOKED: "), old.out());
    }

    @Test
    void suspendsTheDomainWithADecisionOnTheSameRecord() throws Exception {
        Path media = dir.resolve("suspend/updates/admission/suspend-3");
        ok(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "SUSPENDED",
                "--sequence", "3"));
        assertArrayEquals(Files.readAllBytes(tool.state().resolve("asl-host/domains/system/admission/dam.cbor")),
                Files.readAllBytes(media.resolve("dam.cbor")), "the same options sign the same record");
        assertTrue(ok("verify", "--state", p(tool.state()), p(media.resolve("admission-decision.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission decision 3 SUSPENDED"));
    }

    @Test
    void refusesARecordRevokingItsOwnRootAndWritesNothing() throws Exception {
        Path state = dir.resolve("self-revoked-state");
        Result tree = run(admit("root.key", "--key", p(tool.key("other.pub")), "--revoke", id("root.pub"), "--state", p(state)));
        assertEquals(1, tree.status());
        assertTrue(tree.err().startsWith("error ADMISSION_REVOKES_SIGNER: admission record for domain 'system' revokes "
                + id("root.pub") + ", the root that signed it"), tree.err());
        assertTrue(Files.notExists(state));
        Path media = dir.resolve("self-revoked/admission/x");
        Result out = run(admit("root.key", "--key", p(tool.key("other.pub")), "--revoke", p(tool.key("root.pub")), "--out", p(media),
                "--decision", "ACCEPTED", "--sequence", "2"));
        assertEquals(1, out.status());
        assertTrue(out.err().startsWith("error ADMISSION_REVOKES_SIGNER: "), out.err());
        assertTrue(Files.notExists(media.getParent()));
    }

    @Test
    void refusesARootTheTreeDoesNotPinUnlessAskedToPinIt() throws Exception {
        Path state = ToolFixture.copyTree(tool.state(), dir.resolve("pinned-state"));
        byte[] record = Files.readAllBytes(state.resolve("asl-host/domains/system/admission/dam.cbor"));
        // ux14's case: a release key given as --root-key into a tree pinned to the real root.
        Result r = run(admit("release.key", "--key", p(tool.key("other.pub")), "--state", p(state)));
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_EXISTS: the state tree " + state + " pins root(s) [" + id("root.pub")
                + "], not " + id("release.pub") + ": "), r.err());
        assertEquals(List.of(id("root.pub") + ".pub"), names(state.resolve("asl-host/host/trusted-roots")));
        assertArrayEquals(record, Files.readAllBytes(state.resolve("asl-host/domains/system/admission/dam.cbor")));

        ok(admit("root.key", "--key", p(tool.key("other.pub")), "--state", p(state)));
        ok(admit("other.key", "--key", p(tool.key("release.pub")), "--state", p(state), "--new-root"));
        assertEquals(java.util.Set.of(id("other.pub") + ".pub", id("root.pub") + ".pub"),
                java.util.Set.copyOf(names(state.resolve("asl-host/host/trusted-roots"))));
    }

    @Test
    void refusesToWriteAnAdmissionDirectoryTwice() throws Exception {
        Path media = dir.resolve("twice/admission/a");
        ok(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "ACCEPTED", "--sequence", "4"));
        byte[] decision = Files.readAllBytes(media.resolve("admission-decision.cbor"));
        Result r = run(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "REVOKED",
                "--sequence", "5"));
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_EXISTS: " + media + " already holds files"), r.err());
        assertArrayEquals(decision, Files.readAllBytes(media.resolve("admission-decision.cbor")));
        Path file = Files.writeString(dir.resolve("twice/admission/plain-file"), "x");
        Result onFile = run(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(file), "--decision", "REVOKED",
                "--sequence", "5"));
        assertTrue(onFile.err().startsWith("error HOST_EXISTS: " + file + " exists and is not a directory"), onFile.err());
        Path empty = Files.createDirectories(dir.resolve("twice/admission/empty"));
        ok(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(empty), "--decision", "DEFERRED", "--sequence", "6"));
        assertEquals(4, names(empty).size());
    }

    @Test
    void refusesBadDecisionsWithTheirCodes() throws Exception {
        Path media = dir.resolve("bad/admission/a");
        Result zero = run(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "ACCEPTED",
                "--sequence", "0"));
        assertEquals(1, zero.status());
        assertTrue(zero.err().startsWith("error SCHEMA_VIOLATION: admission decision: sequence must be 1 or more"), zero.err());
        Result outcome = run(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "accept",
                "--sequence", "2"));
        assertEquals(2, outcome.status());
        assertTrue(outcome.err().startsWith("error MALFORMED_INPUT: usage: Invalid value for option '--decision': expected one of"
                + " [ACCEPTED, ACCEPTED_LIMITED, DEFERRED, SUSPENDED, REVOKED]"), outcome.err());
        Result noSequence = run(admit("root.key", "--key", p(tool.key("release.pub")), "--out", p(media), "--decision", "ACCEPTED"));
        assertEquals(2, noSequence.status());
        assertTrue(noSequence.err().startsWith("error MALFORMED_INPUT: usage: "), noSequence.err());
        Result both = run(admit("root.key", "--key", p(tool.key("release.pub")), "--state", p(dir.resolve("bad/state")),
                "--out", p(media), "--decision", "ACCEPTED", "--sequence", "2"));
        assertEquals(2, both.status());
        assertTrue(both.err().contains("are mutually exclusive"), both.err());
        Result missingRoot = run("admit", "--root-key", p(dir.resolve("nope.key")), "--compatible", "c", "--policy",
                p(tool.input("policy.json")), "--out", p(media), "--decision", "ACCEPTED", "--sequence", "2");
        assertEquals(1, missingRoot.status());
        assertEquals("error HOST_NOT_FOUND: --root-key: no such file: " + dir.resolve("nope.key") + "\n", missingRoot.err());
        Result badId = run(admit("root.key", "--key", p(tool.key("release.pub")), "--revoke", "not-hex", "--out", p(media),
                "--decision", "ACCEPTED", "--sequence", "2"));
        assertEquals(1, badId.status(), badId.err());
        assertEquals("error HOST_NOT_FOUND: --revoke: no such file: not-hex (give a key id, 16 hex digits, or a public key file)\n",
                badId.err());
        Result privateKey = run(admit("root.key", "--key", p(tool.key("release.pub")), "--revoke", p(tool.key("other.key")),
                "--out", p(media), "--decision", "ACCEPTED", "--sequence", "2"));
        assertTrue(privateKey.err().startsWith("error KEY_FORMAT: "), privateKey.err());
        assertTrue(Files.notExists(media.getParent()));
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }
}
