package io.trialboot.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tree against cryptsetup's own {@code veritysetup} (package cryptsetup-bin; plain files, no
 * root): the same tree bytes and root hash as {@code format --no-superblock}, and a slot laid out
 * as data + tree at the signed offset passes {@code verify} and fails it with one byte flipped.
 */
class VerityTreeTest {
    private static final Path VERITYSETUP = Path.of("/usr/sbin/veritysetup");
    private static final Pattern ROOT = Pattern.compile("Root hash:\\s+([0-9a-f]{64})");
    private static final Sha256 SALT = Sha256.of("trialboot test salt".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    @BeforeAll
    static void needsVeritysetup() {
        if (!Files.isExecutable(VERITYSETUP)) {
            System.out.println("skipping the veritysetup comparisons: " + VERITYSETUP
                    + " is missing (scripts/bootstrap installs cryptsetup-bin)");
        }
        assumeTrue(Files.isExecutable(VERITYSETUP), "veritysetup (cryptsetup-bin) missing");
    }

    /** 1 block: no tree, the root is the data block's digest; 128: one level; 129 and 16385: a level more. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 128, 129, 300, 16385})
    void treeAndRootAreThoseOfVeritysetupFormat(int blocks) throws Exception {
        byte[] data = data(blocks);
        Path dataFile = Files.write(dir.resolve("data"), data);
        Path hashFile = dir.resolve("hash");
        String out = run("format", dataFile.toString(), hashFile.toString(), "--no-superblock",
                "--hash=sha256", "--data-block-size=4096", "--hash-block-size=4096", "--salt=" + SALT.hex());
        Matcher root = ROOT.matcher(out);
        assertTrue(root.find(), out);

        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        VerityParams p = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT, tree);

        assertEquals(root.group(1), p.rootHash().hex());
        assertArrayEquals(Files.readAllBytes(hashFile), tree.toByteArray());
        assertEquals(tree.size(), p.treeSize());
    }

    @Test
    void slotWithTreeAtItsOffsetPassesVerifyAndFailsItWithOneByteFlipped() throws Exception {
        int blocks = 700;
        byte[] data = data(blocks);
        long treeOffset = data.length + 2 * 4096L;
        Path slot = dir.resolve("slot");
        VerityParams p;
        try (OutputStream out = Files.newOutputStream(slot)) {
            out.write(data);
            out.write(new byte[2 * 4096]);
            p = VerityTree.build(new ByteArrayInputStream(data), data.length, treeOffset, SALT, out);
        }
        List<String> verify = List.of("verify", slot.toString(), slot.toString(), p.rootHash().hex(),
                "--no-superblock", "--hash=sha256", "--data-blocks=" + blocks, "--hash-offset=" + treeOffset,
                "--salt=" + SALT.hex());
        assertEquals(0, exit(verify), "verify of the intact slot");

        byte[] bytes = Files.readAllBytes(slot);
        bytes[123_457] ^= 0x01;
        Files.write(slot, bytes);
        assertNotEquals(0, exit(verify), "verify of a slot with one flipped data byte");
    }

    @Test
    void sameDataAndSaltGiveTheSameTreeAnotherSaltAnother() throws Exception {
        byte[] data = data(200);
        ByteArrayOutputStream t1 = new ByteArrayOutputStream();
        ByteArrayOutputStream t2 = new ByteArrayOutputStream();
        ByteArrayOutputStream t3 = new ByteArrayOutputStream();
        Sha256 other = Sha256.of(new byte[1]);
        VerityParams p1 = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT, t1);
        VerityParams p2 = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT, t2);
        VerityParams p3 = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, other, t3);
        assertEquals(p1, p2);
        assertArrayEquals(t1.toByteArray(), t2.toByteArray());
        assertNotEquals(p1.rootHash(), p3.rootHash());
    }

    @Test
    void rejectsDataShorterThanItsSize() {
        byte[] data = data(3);
        TrialbootException e = assertThrows(TrialbootException.class, () -> VerityTree.build(
                new ByteArrayInputStream(data), 4 * 4096L, 4 * 4096L, SALT, OutputStream.nullOutputStream()));
        assertEquals(Code.SIZE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("slot data ends after 12288 bytes"), e.getMessage());
    }

    @Test
    void rejectsPartialBlocksTreeInsideTheDataAndOtherAlgorithms() {
        assertEquals(Code.SCHEMA_VIOLATION, assertThrows(TrialbootException.class,
                () -> VerityParams.of(4097, SALT, SALT)).code());
        assertEquals(Code.SCHEMA_VIOLATION, assertThrows(TrialbootException.class,
                () -> new VerityParams("sha256", 4096, 4096, 8192, 4096, SALT, SALT)).code());
        assertEquals(Code.SCHEMA_VIOLATION, assertThrows(TrialbootException.class,
                () -> new VerityParams("sha1", 4096, 4096, 8192, 8192, SALT, SALT)).code());
        assertEquals(Code.SCHEMA_VIOLATION, assertThrows(TrialbootException.class,
                () -> new VerityParams("sha256", 512, 4096, 8192, 8192, SALT, SALT)).code());
    }

    @Test
    void dmTableNamesTheSignedParameters() {
        VerityParams p = VerityParams.of(8 * 4096L, SALT, Sha256.of(new byte[0]));
        assertEquals("0 64 verity 1 /dev/vda2 /dev/vda2 4096 4096 8 8 sha256 " + p.rootHash().hex() + " "
                + HexFormat.of().formatHex(SALT.bytes()), p.dmTable("/dev/vda2"));
    }

    private static byte[] data(int blocks) {
        byte[] data = new byte[blocks * 4096];
        new Random(blocks).nextBytes(data);
        return data;
    }

    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(args));
        Process p = start(cmd);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, finish(p), "veritysetup " + cmd + ": " + out);
        return out;
    }

    private static int exit(List<String> args) throws IOException, InterruptedException {
        Process p = start(args);
        p.getInputStream().readAllBytes();
        return finish(p);
    }

    private static Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(VERITYSETUP.toString());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static int finish(Process p) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("veritysetup did not finish within 60 s");
        }
        return p.exitValue();
    }
}
