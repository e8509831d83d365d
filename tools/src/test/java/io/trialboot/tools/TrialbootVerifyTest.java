package io.trialboot.tools;

import static io.trialboot.tools.ToolFixture.ok;
import static io.trialboot.tools.ToolFixture.p;
import static io.trialboot.tools.ToolFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.tools.ToolFixture.Result;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Trust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trialboot verify} over what an image build produces ({@link ToolFixture}, built once for the
 * class from fixed inputs), as the device would verify it: allowed as built, denied with the
 * device's code when a copy is tampered with, signed by a key not admitted, short of a quorum or a base.
 */
class TrialbootVerifyTest {
    @TempDir
    static Path dir;
    private static ToolFixture tool;

    @BeforeAll
    static void buildOnce() throws Exception {
        tool = ToolFixture.create(dir);
    }

    @Test
    void verifiesEverythingItBuilt() {
        Path updates = tool.built().resolve("updates");
        assertTrue(ok("verify", "--state", p(tool.state()), p(tool.built().resolve("system.nxs"))).out()
                .startsWith("ALLOW HOST_OK: system set 1.1.0 (1 bundles) signed by"));
        assertTrue(ok("verify", "--state", p(tool.state()), "--updates", p(updates), "--base", p(tool.input("base.img")),
                p(updates.resolve("manifests/1.1.0.nxm"))).out().startsWith("ALLOW HOST_OK: release 1.1.0 signed by"));
        String feed = ok("verify", "--state", p(tool.state()), "--updates", p(updates), "--timing", "--base", p(tool.input("base.img")),
                p(updates.resolve("feeds/stable.nxf"))).out();
        assertTrue(feed.startsWith("ALLOW HOST_OK: feed stable (1 entries)"), feed);
        assertTrue(feed.contains("\ntiming: "), feed);
        assertTrue(ok("verify", "--state", p(tool.state()), p(tool.state().resolve("asl-host/domains/system/admission/dam.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission record for domain system signed by a pinned root"));
        assertTrue(ok("verify", "--state", p(tool.state()), p(tool.built().resolve("bundles/hello.nxb"))).out()
                .startsWith("ALLOW HOST_OK: bundle hello 1.0.0 consistent"));
    }

    /** #16: verify runs the device's delta checks, a dry-run apply over the base, not only the file's digest. */
    @Test
    void verifyDryRunsEachDeltaAndDeniesWhatTheDeviceWouldRefuse() throws Exception {
        Path copy = tool.copyOfBuilt("broken-delta");
        Path updates = copy.resolve("updates");
        Path manifest = updates.resolve("manifests/1.1.0.nxm");
        signedOverADeltaOf(manifest, Files.write(updates.resolve("deltas/1.0.0-1.1.0.nxdelta"), new byte[] {1, 2, 3}));
        Result broken = run("verify", "--state", p(tool.state()), "--updates", p(updates), "--base", p(tool.input("base.img")),
                p(manifest));
        assertEquals(1, broken.status());
        assertTrue(broken.out().startsWith("DENY MALFORMED_INPUT: .nxdelta ends inside the 104-byte header"), broken.out());
        Result noBase = run("verify", "--state", p(tool.state()), "--updates", p(tool.built().resolve("updates")),
                p(tool.built().resolve("updates/manifests/1.1.0.nxm")));
        assertEquals(1, noBase.status());
        assertTrue(noBase.out().startsWith("DENY HOST_NOT_FOUND: delta deltas/1.0.0-1.1.0.nxdelta applies to image "),
                noBase.out());
        Path otherBase = dir.resolve("other-base.img");
        byte[] other = new byte[90_000];
        other[5] = 1;
        Files.write(otherBase, other);
        assertTrue(run("verify", "--state", p(tool.state()), "--updates", p(tool.built().resolve("updates")), "--base", p(otherBase),
                p(tool.built().resolve("updates/manifests/1.1.0.nxm"))).out().startsWith("DENY HOST_NOT_FOUND: delta "));
    }

    /**
     * Re-signs {@code manifest} with its delta artifact naming {@code delta}'s bytes: what a hostile or
     * broken release pipeline would ship ({@code trialboot release} no longer signs it).
     */
    private static void signedOverADeltaOf(Path manifest, Path delta) throws Exception {
        ReleaseManifest m = ReleaseManifest.decode(Files.readAllBytes(manifest));
        List<Artifact> artifacts = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(delta);
        for (Artifact a : m.artifacts()) {
            artifacts.add(a.kind() == Artifact.Kind.DELTA
                    ? Artifact.delta(a.path(), Sha256.of(bytes), bytes.length, a.base().orElseThrow()) : a);
        }
        byte[] signed = new ReleaseManifest(m.version(), m.minVersion(), m.compatible(), m.signer(), m.image(), m.systemIndex(),
                m.policy(), artifacts, m.verity()).encode();
        Files.write(manifest, signed);
        Files.write(manifest.resolveSibling(manifest.getFileName() + ".sig"),
                Packaging.sign(signed, List.of(Keys.loadSigningKey(tool.key("release.key")))));
    }

    /** ux14 b7: a cut signature file and a cut manifest each name the file that is cut. */
    @Test
    void aCutFileIsNamed() throws Exception {
        Path m = tool.copyOfBuilt("cut").resolve("updates/manifests/1.1.0.nxm");
        Path sig = m.resolveSibling("1.1.0.nxm.sig");
        byte[] sigBytes = Files.readAllBytes(sig);
        Files.write(sig, java.util.Arrays.copyOf(sigBytes, 50));
        Result cutSig = run("verify", "--state", p(tool.state()), p(m));
        assertEquals(1, cutSig.status());
        assertTrue(cutSig.out().startsWith("DENY CBOR_TRUNCATED: " + sig + ": CBOR: input ends at offset 50"), cutSig.out());
        Files.write(sig, sigBytes);
        Files.write(m, java.util.Arrays.copyOf(Files.readAllBytes(m), 50));
        Result cutManifest = run("verify", "--state", p(tool.state()), p(m));
        assertEquals(1, cutManifest.status());
        assertTrue(cutManifest.out().startsWith("DENY CBOR_TRUNCATED: " + m + ": CBOR: "), cutManifest.out());
    }

    @Test
    void deniesATamperedArtifactWithItsCode() throws Exception {
        Path updates = tool.copyOfBuilt("tampered").resolve("updates");
        Files.write(updates.resolve("images/1.1.0.img"), new byte[100_000]);
        Result r = run("verify", "--state", p(tool.state()), "--updates", p(updates), p(updates.resolve("manifests/1.1.0.nxm")));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY DIGEST_MISMATCH: artifact images/1.1.0.img has sha256"), r.out());
    }

    @Test
    void deniesAManifestSignedByAKeyTheDomainDidNotAdmit() throws Exception {
        Path m = tool.copyOfBuilt("resigned").resolve("updates/manifests/1.1.0.nxm");
        Files.write(m.resolveSibling("1.1.0.nxm.sig"),
                Packaging.sign(Files.readAllBytes(m), List.of(Keys.loadSigningKey(tool.key("other.key")))));
        Result r = run("verify", "--state", p(tool.state()), p(m));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY KEY_UNKNOWN: release manifest: key "), r.out());
    }

    @Test
    void coSignersMeetAQuorumOneAtATime() throws Exception {
        Path quorumState = dir.resolve("quorum-state");
        ok("admit", "--root-key", p(tool.key("root.key")), "--key", p(tool.key("release.pub")),
                "--key", p(tool.key("other.pub")), "--witness", "quorum-witness", "--threshold", "2",
                "--compatible", "trialboot-riscv64-virt", "--policy", p(tool.input("policy.json")), "--state", p(quorumState));
        Path m = tool.copyOfBuilt("quorum").resolve("updates/manifests/1.1.0.nxm");
        Result one = run("verify", "--state", p(quorumState), p(m));
        assertEquals(1, one.status());
        assertTrue(one.out().startsWith("DENY QUORUM_NOT_MET: release manifest: 1 distinct valid admitted signer(s)"), one.out());
        ok("sign", "--key", p(tool.key("other.key")), p(m));
        assertTrue(ok("verify", "--state", p(quorumState), p(m)).out().startsWith("ALLOW HOST_OK: release 1.1.0 signed by ["));
        Result again = run("sign", "--key", p(tool.key("other.key")), p(m));
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("error HOST_EXISTS: the signature file already holds a signature by"), again.err());
    }

    @Test
    void verifiesAnAdmissionDecisionAsTheDeviceDoes() throws Exception {
        Path media = dir.resolve("admission");
        SigningKey root = Keys.loadSigningKey(tool.key("root.key"));
        AdmissionRecord record = Trust.load(tool.state(), "system").admission();
        Packaging.writeAdmissionInput(media.resolve("ok"), record, root, AdmissionDecision.Outcome.SUSPENDED, 1, root);
        assertTrue(ok("verify", "--state", p(tool.state()), p(media.resolve("ok/admission-decision.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission decision 1 SUSPENDED for domain system signed by a pinned root"));
        Packaging.writeAdmissionInput(media.resolve("forged"), record, root, AdmissionDecision.Outcome.ACCEPTED, 2,
                Keys.loadSigningKey(tool.key("release.key")));
        Result forged = run("verify", "--state", p(tool.state()), p(media.resolve("forged/admission-decision.cbor")));
        assertEquals(1, forged.status());
        assertTrue(forged.out().startsWith("DENY ADMISSION_NOT_ROOT_SIGNED: admission decision is not signed by a pinned root"),
                forged.out());
    }
}
