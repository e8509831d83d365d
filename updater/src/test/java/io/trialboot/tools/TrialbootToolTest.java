package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end in a temp dir: the same files an image build produces, verified as the device would. */
class TrialbootToolTest {
    @TempDir
    Path dir;
    private Path keys;
    private Path state;
    private Path updates;

    record Result(int status, String out, String err) {}

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = TrialbootTool.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    private Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    @BeforeEach
    void setUp() throws Exception {
        keys = dir.resolve("keys");
        state = dir.resolve("state");
        updates = dir.resolve("media/updates");
        ok("keygen", "--out", keys.toString(), "--name", "root");
        ok("keygen", "--out", keys.toString(), "--name", "release");
        ok("keygen", "--out", keys.toString(), "--name", "other");
        Files.writeString(dir.resolve("policy.json"), "{\"allow_downgrade\": false}\n");
        ok("admit", "--root-key", keys.resolve("root.key").toString(), "--key", keys.resolve("release.pub").toString(),
                "--compatible", "trialboot-riscv64-virt", "--policy", dir.resolve("policy.json").toString(),
                "--state", state.toString());
        Files.write(dir.resolve("hello.jar"), "jar bytes".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("bundles"));
        ok("bundle", "pack", "--name", "hello", "--version", "1.0.0", "--publisher", "trialboot dev", "--ability", "console",
                "--start", "java -jar payload.jar", "--payload", dir.resolve("hello.jar").toString(),
                "--out", dir.resolve("bundles/hello.nxb").toString());
        Files.writeString(dir.resolve("system.json"), "{\"version\": \"1.1.0\", \"publisher\": \"trialboot dev\"}");
        ok("system", "pack", "--bundles", dir.resolve("bundles").toString(), "--meta", dir.resolve("system.json").toString(),
                "--key", keys.resolve("release.key").toString(), "--out", dir.resolve("system.nxs").toString());
        Files.createDirectories(updates.resolve("images"));
        Files.write(updates.resolve("images/1.1.0.img"), new byte[100_000]);
        Files.write(dir.resolve("base.img"), new byte[90_000]);
        Files.createDirectories(updates.resolve("deltas"));
        Files.write(updates.resolve("deltas/1.0.0-1.1.0.nxdelta"), new byte[] {1, 2, 3});
        ok("release", "--image", updates.resolve("images/1.1.0.img").toString(), "--full-path", "images/1.1.0.img",
                "--delta", updates.resolve("deltas/1.0.0-1.1.0.nxdelta").toString(), "--delta-path", "deltas/1.0.0-1.1.0.nxdelta",
                "--base-image", dir.resolve("base.img").toString(), "--version", "1.1.0", "--min-version", "1.0.0",
                "--compatible", "trialboot-riscv64-virt", "--system-set", dir.resolve("system.nxs").toString(),
                "--policy", dir.resolve("policy.json").toString(), "--key", keys.resolve("release.key").toString(),
                "--out", updates.resolve("manifests/1.1.0.nxm").toString());
        Files.writeString(dir.resolve("stable.json"), "{\"channel\": \"stable\", \"manifests\": [\"manifests/1.1.0.nxm\"]}");
        ok("feed", "--json", dir.resolve("stable.json").toString(), "--updates", updates.toString(),
                "--key", keys.resolve("release.key").toString(), "--out", updates.resolve("feeds/stable.nxf").toString());
    }

    @Test
    void verifiesEverythingItBuilt() {
        assertTrue(ok("verify", "--state", state.toString(), dir.resolve("system.nxs").toString()).out()
                .startsWith("ALLOW HOST_OK: system set 1.1.0 (1 bundles) signed by"));
        assertTrue(ok("verify", "--state", state.toString(), "--updates", updates.toString(),
                updates.resolve("manifests/1.1.0.nxm").toString()).out()
                .startsWith("ALLOW HOST_OK: release 1.1.0 signed by"));
        String feed = ok("verify", "--state", state.toString(), "--updates", updates.toString(), "--timing",
                updates.resolve("feeds/stable.nxf").toString()).out();
        assertTrue(feed.startsWith("ALLOW HOST_OK: feed stable (1 entries)"), feed);
        assertTrue(feed.contains("\ntiming: "), feed);
        assertTrue(ok("verify", "--state", state.toString(),
                state.resolve("asl-host/domains/system/admission/dam.cbor").toString()).out()
                .startsWith("ALLOW HOST_OK: admission record for domain system signed by a pinned root"));
        assertTrue(ok("verify", "--state", state.toString(), dir.resolve("bundles/hello.nxb").toString()).out()
                .startsWith("ALLOW HOST_OK: bundle hello 1.0.0 consistent"));
    }

    @Test
    void deniesATamperedArtifactWithItsCode() throws Exception {
        byte[] img = new byte[100_000];
        img[7] = 1;
        Files.write(updates.resolve("images/1.1.0.img"), img);
        Result r = run("verify", "--state", state.toString(), "--updates", updates.toString(),
                updates.resolve("manifests/1.1.0.nxm").toString());
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY DIGEST_MISMATCH: artifact images/1.1.0.img has sha256"), r.out());
    }

    @Test
    void deniesAManifestSignedByAKeyTheDomainDidNotAdmit() throws Exception {
        Path m = updates.resolve("manifests/1.1.0.nxm");
        Files.write(dir.resolve("m.sig"), Packaging.sign(Files.readAllBytes(m), List.of(Keys.loadSigningKey(keys.resolve("other.key")))));
        Files.copy(dir.resolve("m.sig"), updates.resolve("manifests/1.1.0.nxm.sig"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result r = run("verify", "--state", state.toString(), m.toString());
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("DENY KEY_UNKNOWN: release manifest: key "), r.out());
    }

    @Test
    void buildsIdenticalBytesTwice() throws Exception {
        byte[] nxs = Files.readAllBytes(dir.resolve("system.nxs"));
        byte[] manifest = Files.readAllBytes(updates.resolve("manifests/1.1.0.nxm"));
        byte[] sig = Files.readAllBytes(updates.resolve("manifests/1.1.0.nxm.sig"));
        byte[] feed = Files.readAllBytes(updates.resolve("feeds/stable.nxf.sig"));
        byte[] bundle = Files.readAllBytes(dir.resolve("bundles/hello.nxb"));
        Files.delete(dir.resolve("system.nxs"));
        setUpAgain();
        assertArrayEquals(bundle, Files.readAllBytes(dir.resolve("bundles/hello.nxb")));
        assertArrayEquals(nxs, Files.readAllBytes(dir.resolve("system.nxs")));
        assertArrayEquals(manifest, Files.readAllBytes(updates.resolve("manifests/1.1.0.nxm")));
        assertArrayEquals(sig, Files.readAllBytes(updates.resolve("manifests/1.1.0.nxm.sig")));
        assertArrayEquals(feed, Files.readAllBytes(updates.resolve("feeds/stable.nxf.sig")));
    }

    /** Rebuilds every artifact from the same inputs and keys (keygen and admit are not repeated). */
    private void setUpAgain() {
        ok("bundle", "pack", "--name", "hello", "--version", "1.0.0", "--publisher", "trialboot dev", "--ability", "console",
                "--start", "java -jar payload.jar", "--payload", dir.resolve("hello.jar").toString(),
                "--out", dir.resolve("bundles/hello.nxb").toString());
        ok("system", "pack", "--bundles", dir.resolve("bundles").toString(), "--meta", dir.resolve("system.json").toString(),
                "--key", keys.resolve("release.key").toString(), "--out", dir.resolve("system.nxs").toString());
        ok("release", "--image", updates.resolve("images/1.1.0.img").toString(), "--full-path", "images/1.1.0.img",
                "--delta", updates.resolve("deltas/1.0.0-1.1.0.nxdelta").toString(), "--delta-path", "deltas/1.0.0-1.1.0.nxdelta",
                "--base-image", dir.resolve("base.img").toString(), "--version", "1.1.0", "--min-version", "1.0.0",
                "--compatible", "trialboot-riscv64-virt", "--system-set", dir.resolve("system.nxs").toString(),
                "--policy", dir.resolve("policy.json").toString(), "--key", keys.resolve("release.key").toString(),
                "--out", updates.resolve("manifests/1.1.0.nxm").toString());
        ok("feed", "--json", dir.resolve("stable.json").toString(), "--updates", updates.toString(),
                "--key", keys.resolve("release.key").toString(), "--out", updates.resolve("feeds/stable.nxf").toString());
    }

    @Test
    void inspectDumpsArchivesAndCbor() {
        String nxs = ok("inspect", dir.resolve("system.nxs").toString()).out();
        assertTrue(nxs.contains("hello.nxb"), nxs);
        assertTrue(nxs.contains("\"schema\": \"trialboot.system-index/1\""), nxs);
        String manifest = ok("inspect", updates.resolve("manifests/1.1.0.nxm").toString()).out();
        assertTrue(manifest.contains("\"base\": {"), manifest);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"--help"}, new String[] {"keygen", "--help"}, new String[] {"admit", "--help"},
                new String[] {"bundle", "pack", "--help"}, new String[] {"system", "pack", "--help"},
                new String[] {"release", "--help"}, new String[] {"feed", "--help"}, new String[] {"verify", "--help"},
                new String[] {"inspect", "--help"})) {
            assertTrue(ok(cmd).out().contains("Usage: trialboot"), String.join(" ", cmd));
        }
    }

    @Test
    void reportsDocumentedFailuresWithStatusOne() {
        Result r = run("keygen", "--out", keys.toString(), "--name", "root");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_EXISTS: key "), r.err());
        assertEquals(2, run("release", "--image", "x").status());
    }
}
