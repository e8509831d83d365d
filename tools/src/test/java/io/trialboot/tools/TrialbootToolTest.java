package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Trust;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end: the files an image build produces, built once for the class from fixed
 * inputs, then verified as the device would. Tests that tamper work on their own copy.
 */
class TrialbootToolTest {
    @TempDir
    static Path dir;
    private static Path in;
    private static Path keys;
    private static Path state;
    private static Path built;

    record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = TrialbootTool.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    private static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    private static String p(Path path) {
        return path.toString();
    }

    @BeforeAll
    static void buildOnce() throws Exception {
        in = Files.createDirectories(dir.resolve("in"));
        keys = dir.resolve("keys");
        state = dir.resolve("state");
        ok("keygen", "--out", p(keys), "--name", "root");
        ok("keygen", "--out", p(keys), "--name", "release");
        ok("keygen", "--out", p(keys), "--name", "other");
        Files.writeString(in.resolve("policy.json"), "{\"allow_downgrade\": false}\n");
        ok("admit", "--root-key", p(keys.resolve("root.key")), "--key", p(keys.resolve("release.pub")),
                "--compatible", "trialboot-riscv64-virt", "--policy", p(in.resolve("policy.json")), "--state", p(state));
        Files.write(in.resolve("hello.jar"), "jar bytes".getBytes(StandardCharsets.UTF_8));
        Files.writeString(in.resolve("system.json"), "{\"version\": \"1.1.0\", \"publisher\": \"trialboot dev\"}");
        Files.writeString(in.resolve("stable.json"), "{\"channel\": \"stable\", \"manifests\": [\"manifests/1.1.0.nxm\"]}");
        byte[] image = new byte[100_000];
        image[99] = 9;
        Files.write(in.resolve("1.1.0.img"), image);
        Files.write(in.resolve("base.img"), new byte[90_000]);
        try (OutputStream d = Files.newOutputStream(in.resolve("1.0.0-1.1.0.nxdelta"))) {
            new DeltaMaker().make(in.resolve("base.img"), in.resolve("1.1.0.img"), d);
        }
        built = build(dir.resolve("built"));
    }

    /** Builds bundle, system set, release and feed from the inputs into {@code out}; returns it. */
    private static Path build(Path out) throws IOException {
        Path updates = out.resolve("updates");
        Files.createDirectories(out.resolve("bundles"));
        Files.createDirectories(updates.resolve("images"));
        Files.createDirectories(updates.resolve("deltas"));
        Files.copy(in.resolve("1.1.0.img"), updates.resolve("images/1.1.0.img"));
        Files.copy(in.resolve("1.0.0-1.1.0.nxdelta"), updates.resolve("deltas/1.0.0-1.1.0.nxdelta"));
        ok("bundle", "pack", "--name", "hello", "--version", "1.0.0", "--publisher", "trialboot dev", "--ability", "console",
                "--start", "java -jar payload.jar", "--payload", p(in.resolve("hello.jar")),
                "--out", p(out.resolve("bundles/hello.nxb")));
        ok("system", "pack", "--bundles", p(out.resolve("bundles")), "--meta", p(in.resolve("system.json")),
                "--key", p(keys.resolve("release.key")), "--out", p(out.resolve("system.nxs")));
        release(out);
        ok("feed", "--json", p(in.resolve("stable.json")), "--updates", p(updates),
                "--key", p(keys.resolve("release.key")), "--out", p(updates.resolve("feeds/stable.nxf")));
        return out;
    }

    /** Signs the release over the image and delta under {@code out}/updates. */
    private static void release(Path out) {
        Path updates = out.resolve("updates");
        ok("release", "--image", p(updates.resolve("images/1.1.0.img")), "--full-path", "images/1.1.0.img",
                "--delta", p(updates.resolve("deltas/1.0.0-1.1.0.nxdelta")), "--delta-path", "deltas/1.0.0-1.1.0.nxdelta",
                "--base-image", p(in.resolve("base.img")), "--version", "1.1.0", "--min-version", "1.0.0",
                "--compatible", "trialboot-riscv64-virt", "--system-set", p(out.resolve("system.nxs")),
                "--policy", p(in.resolve("policy.json")), "--key", p(keys.resolve("release.key")),
                "--out", p(updates.resolve("manifests/1.1.0.nxm")));
    }

    private static Path copyOfBuilt(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> s = Files.walk(built)) {
            for (Path src : s.toList()) {
                Path dst = copy.resolve(built.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
        return copy;
    }

    @Test
    void verifiesEverythingItBuilt() {
        Path updates = built.resolve("updates");
        assertTrue(ok("verify", "--state", p(state), p(built.resolve("system.nxs"))).out()
                .startsWith("ALLOW HOST_OK: system set 1.1.0 (1 bundles) signed by"));
        assertTrue(ok("verify", "--state", p(state), "--updates", p(updates), "--base", p(in.resolve("base.img")),
                p(updates.resolve("manifests/1.1.0.nxm"))).out().startsWith("ALLOW HOST_OK: release 1.1.0 signed by"));
        String feed = ok("verify", "--state", p(state), "--updates", p(updates), "--timing", "--base", p(in.resolve("base.img")),
                p(updates.resolve("feeds/stable.nxf"))).out();
        assertTrue(feed.startsWith("ALLOW HOST_OK: feed stable (1 entries)"), feed);
        assertTrue(feed.contains("\ntiming: "), feed);
        assertTrue(ok("verify", "--state", p(state), p(state.resolve("asl-host/domains/system/admission/dam.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission record for domain system signed by a pinned root"));
        assertTrue(ok("verify", "--state", p(state), p(built.resolve("bundles/hello.nxb"))).out()
                .startsWith("ALLOW HOST_OK: bundle hello 1.0.0 consistent"));
    }

    /** #16: verify runs the device's delta checks, a dry-run apply over the base, not only the file's digest. */
    @Test
    void verifyDryRunsEachDeltaAndDeniesWhatTheDeviceWouldRefuse() throws Exception {
        Path copy = copyOfBuilt("broken-delta");
        Path updates = copy.resolve("updates");
        Files.write(updates.resolve("deltas/1.0.0-1.1.0.nxdelta"), new byte[] {1, 2, 3});
        release(copy);
        Path manifest = updates.resolve("manifests/1.1.0.nxm");
        Result broken = run("verify", "--state", p(state), "--updates", p(updates), "--base", p(in.resolve("base.img")),
                p(manifest));
        assertEquals(1, broken.status());
        assertTrue(broken.out().startsWith("DENY MALFORMED_INPUT: .nxdelta ends inside the 104-byte header"), broken.out());
        Result noBase = run("verify", "--state", p(state), "--updates", p(built.resolve("updates")),
                p(built.resolve("updates/manifests/1.1.0.nxm")));
        assertEquals(1, noBase.status());
        assertTrue(noBase.out().startsWith("DENY HOST_NOT_FOUND: delta deltas/1.0.0-1.1.0.nxdelta applies to image "),
                noBase.out());
        Path otherBase = dir.resolve("other-base.img");
        byte[] other = new byte[90_000];
        other[5] = 1;
        Files.write(otherBase, other);
        assertTrue(run("verify", "--state", p(state), "--updates", p(built.resolve("updates")), "--base", p(otherBase),
                p(built.resolve("updates/manifests/1.1.0.nxm"))).out().startsWith("DENY HOST_NOT_FOUND: delta "));
    }

    @Test
    void deniesATamperedArtifactWithItsCode() throws Exception {
        Path updates = copyOfBuilt("tampered").resolve("updates");
        Files.write(updates.resolve("images/1.1.0.img"), new byte[100_000]);
        Result r = run("verify", "--state", p(state), "--updates", p(updates), p(updates.resolve("manifests/1.1.0.nxm")));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY DIGEST_MISMATCH: artifact images/1.1.0.img has sha256"), r.out());
    }

    @Test
    void deniesAManifestSignedByAKeyTheDomainDidNotAdmit() throws Exception {
        Path m = copyOfBuilt("resigned").resolve("updates/manifests/1.1.0.nxm");
        Files.write(m.resolveSibling("1.1.0.nxm.sig"),
                Packaging.sign(Files.readAllBytes(m), List.of(Keys.loadSigningKey(keys.resolve("other.key")))));
        Result r = run("verify", "--state", p(state), p(m));
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY KEY_UNKNOWN: release manifest: key "), r.out());
    }

    @Test
    void coSignersMeetAQuorumOneAtATime() throws Exception {
        Path quorumState = dir.resolve("quorum-state");
        ok("admit", "--root-key", p(keys.resolve("root.key")), "--key", p(keys.resolve("release.pub")),
                "--key", p(keys.resolve("other.pub")), "--witness", "quorum-witness", "--threshold", "2",
                "--compatible", "trialboot-riscv64-virt", "--policy", p(in.resolve("policy.json")), "--state", p(quorumState));
        Path m = copyOfBuilt("quorum").resolve("updates/manifests/1.1.0.nxm");
        Result one = run("verify", "--state", p(quorumState), p(m));
        assertEquals(1, one.status());
        assertTrue(one.out().startsWith("DENY QUORUM_NOT_MET: release manifest: 1 distinct valid admitted signer(s)"), one.out());
        ok("sign", "--key", p(keys.resolve("other.key")), p(m));
        assertTrue(ok("verify", "--state", p(quorumState), p(m)).out().startsWith("ALLOW HOST_OK: release 1.1.0 signed by ["));
        Result again = run("sign", "--key", p(keys.resolve("other.key")), p(m));
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("error HOST_EXISTS: the signature file already holds a signature by"), again.err());
    }

    @Test
    void buildsIdenticalBytesTwice() throws Exception {
        Path again = build(dir.resolve("again"));
        for (String f : List.of("bundles/hello.nxb", "system.nxs", "updates/manifests/1.1.0.nxm",
                "updates/manifests/1.1.0.nxm.sig", "updates/feeds/stable.nxf", "updates/feeds/stable.nxf.sig")) {
            assertArrayEquals(Files.readAllBytes(built.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void inspectDumpsArchivesAndCbor() {
        String nxs = ok("inspect", p(built.resolve("system.nxs"))).out();
        assertTrue(nxs.contains("hello.nxb"), nxs);
        assertTrue(nxs.contains("\"schema\": \"trialboot.system-index/1\""), nxs);
        String manifest = ok("inspect", p(built.resolve("updates/manifests/1.1.0.nxm"))).out();
        assertTrue(manifest.contains("\"base\": {"), manifest);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"--help"}, new String[] {"keygen", "--help"}, new String[] {"admit", "--help"},
                new String[] {"bundle", "pack", "--help"}, new String[] {"system", "pack", "--help"},
                new String[] {"release", "--help"}, new String[] {"feed", "--help"}, new String[] {"sign", "--help"}, new String[] {"verify", "--help"},
                new String[] {"inspect", "--help"})) {
            assertTrue(ok(cmd).out().contains("Usage: trialboot"), String.join(" ", cmd));
        }
    }

    @Test
    void reportsDocumentedFailuresWithStatusOne() {
        Result r = run("keygen", "--out", p(keys), "--name", "root");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_EXISTS: key "), r.err());
        assertEquals(2, run("release", "--image", "x").status());
    }

    @Test
    void namesTheAuthoringFileThatIsNotValidJson() throws Exception {
        Path updates = copyOfBuilt("bad-json").resolve("updates");
        Path feedJson = dir.resolve("duplicate.json");
        for (String text : List.of("{\"channel\": \"stable\", \"channel\": \"beta\", \"manifests\": []}",
                "[\"manifests/1.1.0.nxm\"]", "{\"channel\": \"stable\"} trailing")) {
            Files.writeString(feedJson, text);
            Result r = run("feed", "--json", p(feedJson), "--updates", p(updates),
                    "--key", p(keys.resolve("release.key")), "--out", p(dir.resolve("bad.nxf")));
            assertEquals(1, r.status(), text);
            assertTrue(r.err().startsWith("error MALFORMED_INPUT: " + feedJson + ": "), r.err());
            assertTrue(Files.notExists(dir.resolve("bad.nxf")), text);
        }
    }

    @Test
    void refusesToMakeSignOrPassAZeroSizeRelease() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.img"));
        Path out = dir.resolve("zero/1.1.0.nxm");
        Result make = run("release", "--image", p(empty), "--full-path", "images/1.1.0.img", "--version", "1.1.0",
                "--min-version", "1.0.0", "--compatible", "trialboot-riscv64-virt", "--system-set", p(built.resolve("system.nxs")),
                "--policy", p(in.resolve("policy.json")), "--key", p(keys.resolve("release.key")), "--out", p(out));
        assertEquals(1, make.status(), make.out() + make.err());
        assertTrue(make.err().startsWith("error SCHEMA_VIOLATION: full artifact size must not be 0"), make.err());
        assertTrue(Files.notExists(out));

        Path m = copyOfBuilt("zero-size").resolve("updates/manifests/1.1.0.nxm");
        Path sig = m.resolveSibling("1.1.0.nxm.sig");
        Files.write(m, zeroImageSize(Files.readAllBytes(m)));
        Files.delete(sig);
        Result sign = run("sign", "--key", p(keys.resolve("release.key")), p(m));
        assertEquals(1, sign.status());
        assertTrue(sign.err().startsWith("error SCHEMA_VIOLATION: full artifact size must not be 0"), sign.err());
        assertTrue(Files.notExists(sig));

        Files.write(sig, Packaging.sign(Files.readAllBytes(m), List.of(Keys.loadSigningKey(keys.resolve("release.key")))));
        Result verify = run("verify", "--state", p(state), p(m));
        assertEquals(1, verify.status());
        assertTrue(verify.out().startsWith("DENY SCHEMA_VIOLATION: full artifact size must not be 0"), verify.out());
    }

    @Test
    void verifiesAnAdmissionDecisionAsTheDeviceDoes() throws Exception {
        Path media = dir.resolve("admission");
        SigningKey root = Keys.loadSigningKey(keys.resolve("root.key"));
        AdmissionRecord record = Trust.load(state, "system").admission();
        Packaging.writeAdmissionInput(media.resolve("ok"), record, root, AdmissionDecision.Outcome.SUSPENDED, 1, root);
        assertTrue(ok("verify", "--state", p(state), p(media.resolve("ok/admission-decision.cbor"))).out()
                .startsWith("ALLOW HOST_OK: admission decision 1 SUSPENDED for domain system signed by a pinned root"));
        Packaging.writeAdmissionInput(media.resolve("forged"), record, root, AdmissionDecision.Outcome.ACCEPTED, 2,
                Keys.loadSigningKey(keys.resolve("release.key")));
        Result forged = run("verify", "--state", p(state), p(media.resolve("forged/admission-decision.cbor")));
        assertEquals(1, forged.status());
        assertTrue(forged.out().startsWith("DENY ADMISSION_NOT_ROOT_SIGNED: admission decision is not signed by a pinned root"),
                forged.out());
    }

    /** A manifest's bytes with its image and its full artifact (the first) of size 0. */
    private static byte[] zeroImageSize(byte[] manifest) {
        Map<String, CborValue> m = new HashMap<>(((CborValue.CMap) Cbor.decode(manifest)).entries());
        m.put("image", zeroSize(m.get("image")));
        List<CborValue> arts = new ArrayList<>(((CborValue.Array) m.get("artifacts")).items());
        arts.set(0, zeroSize(arts.get(0)));
        m.put("artifacts", new CborValue.Array(arts));
        return Cbor.encode(new CborValue.CMap(m));
    }

    private static CborValue zeroSize(CborValue map) {
        Map<String, CborValue> e = new HashMap<>(((CborValue.CMap) map).entries());
        e.put("size", new CborValue.UInt(0));
        return new CborValue.CMap(e);
    }
}
