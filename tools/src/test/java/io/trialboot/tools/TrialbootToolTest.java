package io.trialboot.tools;

import static io.trialboot.tools.ToolFixture.ok;
import static io.trialboot.tools.ToolFixture.p;
import static io.trialboot.tools.ToolFixture.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.tools.ToolFixture.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI end to end, making: what an image build produces ({@link ToolFixture}, built once for the
 * class from fixed inputs) is the same bytes every time; help, inspect, and the failures it reports
 * with their codes and exit status. Verifying what it made: {@link TrialbootVerifyTest}.
 */
class TrialbootToolTest {
    @TempDir
    static Path dir;
    private static ToolFixture tool;

    @BeforeAll
    static void buildOnce() throws Exception {
        tool = ToolFixture.create(dir);
    }

    @Test
    void buildsIdenticalBytesTwice() throws Exception {
        Path again = tool.build(dir.resolve("again"));
        for (String f : List.of("bundles/hello.nxb", "system.nxs", "updates/manifests/1.1.0.nxm",
                "updates/manifests/1.1.0.nxm.sig", "updates/feeds/stable.nxf", "updates/feeds/stable.nxf.sig")) {
            assertArrayEquals(Files.readAllBytes(tool.built().resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void inspectDumpsArchivesAndCbor() {
        String nxs = ok("inspect", p(tool.built().resolve("system.nxs"))).out();
        assertTrue(nxs.contains("hello.nxb"), nxs);
        assertTrue(nxs.contains("\"schema\": \"trialboot.system-index/1\""), nxs);
        String manifest = ok("inspect", p(tool.built().resolve("updates/manifests/1.1.0.nxm"))).out();
        assertTrue(manifest.contains("\"base\": {"), manifest);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : List.of(new String[] {"--help"}, new String[] {"keygen", "--help"}, new String[] {"admit", "--help"},
                new String[] {"bundle", "pack", "--help"}, new String[] {"system", "pack", "--help"},
                new String[] {"delta", "--help"}, new String[] {"release", "--help"}, new String[] {"feed", "--help"}, new String[] {"sign", "--help"}, new String[] {"verify", "--help"},
                new String[] {"inspect", "--help"})) {
            assertTrue(ok(cmd).out().contains("Usage: trialboot"), String.join(" ", cmd));
        }
    }

    @Test
    void reportsDocumentedFailuresWithStatusOne() {
        Result r = run("keygen", "--out", p(tool.keys()), "--name", "root");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("error HOST_EXISTS: key "), r.err());
        assertEquals(2, run("release", "--version", "1.1.0").status());
    }

    @Test
    void makesTheDeltaTheDeviceAppliesAndNeverOverwritesOne() throws Exception {
        Path out = dir.resolve("made/1.0.0-1.1.0.nxdelta");
        Result r = ok("delta", "--base", p(tool.input("base.img")), "--image", p(tool.input("1.1.0.img")), "--out", p(out));
        assertTrue(r.out().startsWith("delta "), r.out());
        assertTrue(r.out().endsWith(" -> " + out + "\n"), r.out());
        assertArrayEquals(Files.readAllBytes(tool.input("1.0.0-1.1.0.nxdelta")), Files.readAllBytes(out), "the maker's bytes");
        ok("release", "--image", p(tool.input("1.1.0.img")), "--delta", p(out), "--delta-path", "deltas/x.nxdelta",
                "--base-image", p(tool.input("base.img")), "--version", "1.1.0", "--min-version", "1.0.0", "--compatible",
                "trialboot-riscv64-virt", "--system-set", p(tool.built().resolve("system.nxs")), "--policy",
                p(tool.input("policy.json")), "--key", p(tool.key("release.key")), "--out", p(dir.resolve("made/1.1.0.nxm")));

        Result again = run("delta", "--base", p(tool.input("base.img")), "--image", p(tool.input("1.1.0.img")), "--out", p(out));
        assertEquals(1, again.status());
        assertEquals("error HOST_EXISTS: " + out + " exists; not overwriting\n", again.err());
        Path empty = Files.createFile(dir.resolve("made/empty.img"));
        Path none = dir.resolve("made/none.nxdelta");
        Result fromEmpty = run("delta", "--base", p(empty), "--image", p(tool.input("1.1.0.img")), "--out", p(none));
        assertEquals(1, fromEmpty.status());
        assertTrue(fromEmpty.err().startsWith("error HOST_INPUT_OVERSIZE: " + empty + " is 0 bytes"), fromEmpty.err());
        Result missing = run("delta", "--base", p(dir.resolve("nope.img")), "--image", p(tool.input("1.1.0.img")), "--out", p(none));
        assertEquals("error HOST_NOT_FOUND: --base: no such file: " + dir.resolve("nope.img") + "\n", missing.err());
        try (var files = Files.list(dir.resolve("made"))) {
            assertEquals(List.of("1.0.0-1.1.0.nxdelta", "1.1.0.nxm", "1.1.0.nxm.sig", "empty.img"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no partial file left");
        }
    }

    /** ux14 b4: a delta that does not make the image from the base given is refused before signing. */
    @Test
    void refusesToSignADeltaThatDoesNotMakeTheImage() throws Exception {
        Path delta = tool.input("1.0.0-1.1.0.nxdelta");
        byte[] good = Files.readAllBytes(delta);
        byte[] flipped = good.clone();
        flipped[flipped.length - 1] ^= 0x55;
        Path corrupt = Files.write(dir.resolve("corrupt.nxdelta"), flipped);
        Path cut = Files.write(dir.resolve("cut.nxdelta"), java.util.Arrays.copyOf(good, 50));
        Path out = dir.resolve("unsigned/1.1.0.nxm");
        for (Object[] c : List.of(new Object[] {delta, tool.input("1.1.0.img"), "DELTA_BASE_MISMATCH"},
                new Object[] {corrupt, tool.input("base.img"), null},
                new Object[] {cut, tool.input("base.img"), "MALFORMED_INPUT"})) {
            Path d = (Path) c[0];
            Path base = (Path) c[1];
            Result r = run("release", "--image", p(tool.input("1.1.0.img")), "--delta", p(d), "--delta-path", "deltas/x.nxdelta",
                    "--base-image", p(base), "--version", "1.1.0", "--min-version", "1.0.0", "--compatible",
                    "trialboot-riscv64-virt", "--system-set", p(tool.built().resolve("system.nxs")), "--policy",
                    p(tool.input("policy.json")), "--key", p(tool.key("release.key")), "--out", p(out));
            assertEquals(1, r.status(), r.err());
            String start = "error " + (c[2] == null ? "" : c[2] + ": ");
            assertTrue(r.err().startsWith(start), r.err());
            assertTrue(r.err().contains(": delta " + d + " over " + base + " does not make " + tool.input("1.1.0.img")
                    + ", nothing signed: "), r.err());
            assertTrue(Files.notExists(out.getParent()), r.err());
        }
    }

    @Test
    void namesTheAuthoringFileThatIsNotValidJson() throws Exception {
        Path updates = tool.copyOfBuilt("bad-json").resolve("updates");
        Path feedJson = dir.resolve("duplicate.json");
        for (String text : List.of("{\"channel\": \"stable\", \"channel\": \"beta\", \"manifests\": []}",
                "[\"manifests/1.1.0.nxm\"]", "{\"channel\": \"stable\"} trailing")) {
            Files.writeString(feedJson, text);
            Result r = run("feed", "--json", p(feedJson), "--updates", p(updates),
                    "--key", p(tool.key("release.key")), "--out", p(dir.resolve("bad.nxf")));
            assertEquals(1, r.status(), text);
            assertTrue(r.err().startsWith("error MALFORMED_INPUT: " + feedJson + ": "), r.err());
            assertTrue(Files.notExists(dir.resolve("bad.nxf")), text);
        }
    }

    @Test
    void aReleaseOverAnExistingManifestReplacesThePairOrLeavesTheOldOne() throws Exception {
        Path built = tool.copyOfBuilt("rewrite");
        Path m = built.resolve("updates/manifests/1.1.0.nxm");
        Path sig = m.resolveSibling("1.1.0.nxm.sig");
        byte[] oldManifest = Files.readAllBytes(m);
        byte[] oldSig = Files.readAllBytes(sig);
        String[] again = {"release", "--image", p(built.resolve("updates/images/1.1.0.img")), "--full-path",
                "images/1.1.0.img", "--version", "1.1.0", "--min-version", "1.0.1", "--compatible", "trialboot-riscv64-virt",
                "--system-set", p(built.resolve("system.nxs")), "--policy", p(tool.input("policy.json")),
                "--key", p(tool.key("release.key")), "--out", p(m)};

        // The .sig cannot be written (its temp's place is taken): the old pair stays, byte for byte.
        Path blocked = Files.createDirectories(m.resolveSibling(".1.1.0.nxm.sig.tmp").resolve("x"));
        Result failed = run(again);
        assertEquals(1, failed.status(), failed.out() + failed.err());
        assertTrue(failed.err().startsWith("error HOST_IO_ERROR: durable write of " + m.toAbsolutePath() + " and 1.1.0.nxm.sig"
                + " failed: Is a directory"), failed.err());
        assertArrayEquals(oldManifest, Files.readAllBytes(m));
        assertArrayEquals(oldSig, Files.readAllBytes(sig));
        assertTrue(Files.notExists(m.resolveSibling(".1.1.0.nxm.tmp")));

        Files.delete(blocked);
        Files.delete(blocked.getParent());
        ok(again);
        byte[] newManifest = Files.readAllBytes(m);
        assertTrue(!Arrays.equals(oldManifest, newManifest));
        assertArrayEquals(Packaging.sign(newManifest, List.of(Keys.loadSigningKey(tool.key("release.key")))),
                Files.readAllBytes(sig));
        try (var left = Files.list(m.getParent())) {
            assertEquals(List.of("1.1.0.nxm", "1.1.0.nxm.sig"), left.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("1.1.0") || n.startsWith(".1.1.0")).sorted().toList());
        }
    }

    @Test
    void refusesToMakeSignOrPassAZeroSizeRelease() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.img"));
        Path out = dir.resolve("zero/1.1.0.nxm");
        Result make = run("release", "--image", p(empty), "--full-path", "images/1.1.0.img", "--version", "1.1.0",
                "--min-version", "1.0.0", "--compatible", "trialboot-riscv64-virt", "--system-set", p(tool.built().resolve("system.nxs")),
                "--policy", p(tool.input("policy.json")), "--key", p(tool.key("release.key")), "--out", p(out));
        assertEquals(1, make.status(), make.out() + make.err());
        assertTrue(make.err().startsWith("error SCHEMA_VIOLATION: full artifact size must not be 0"), make.err());
        assertTrue(Files.notExists(out));

        Path m = tool.copyOfBuilt("zero-size").resolve("updates/manifests/1.1.0.nxm");
        Path sig = m.resolveSibling("1.1.0.nxm.sig");
        Files.write(m, zeroImageSize(Files.readAllBytes(m)));
        Files.delete(sig);
        Result sign = run("sign", "--key", p(tool.key("release.key")), p(m));
        assertEquals(1, sign.status());
        assertTrue(sign.err().startsWith("error SCHEMA_VIOLATION: full artifact size must not be 0"), sign.err());
        assertTrue(Files.notExists(sig));

        Files.write(sig, Packaging.sign(Files.readAllBytes(m), List.of(Keys.loadSigningKey(tool.key("release.key")))));
        Result verify = run("verify", "--state", p(tool.state()), p(m));
        assertEquals(1, verify.status());
        assertTrue(verify.out().startsWith("DENY SCHEMA_VIOLATION: full artifact size must not be 0"), verify.out());
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
