package io.trialboot.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real squashfs (host mksquashfs) given its tree, checked by {@link VerityImage#read} and by veritysetup. */
class VerityImageTest {
    private static final Path MKSQUASHFS = Path.of("/usr/bin/mksquashfs");
    private static final Path VERITYSETUP = Path.of("/usr/sbin/veritysetup");

    @TempDir
    Path dir;
    Path image;

    @BeforeEach
    void squashfs() throws Exception {
        assumeTrue(Files.isExecutable(MKSQUASHFS), "mksquashfs (squashfs-tools) missing: scripts/bootstrap installs it");
        Path root = Files.createDirectories(dir.resolve("root/etc"));
        byte[] blob = new byte[300_000];
        new Random(7).nextBytes(blob);
        Files.write(root.resolve("blob"), blob);
        Files.writeString(root.resolve("trialboot-release"), "1.0.0\n", StandardCharsets.UTF_8);
        image = dir.resolve("slot.img");
        assertEquals(0, run(List.of(MKSQUASHFS.toString(), dir.resolve("root").toString(), image.toString(),
                "-noappend", "-all-root", "-mkfs-time", "0", "-all-time", "0", "-quiet", "-no-progress")));
    }

    @Test
    void appendsTheTreeThatReadRecomputesAndVeritysetupVerifies() throws Exception {
        long squashfs = Files.size(image);
        assertEquals(Optional.empty(), VerityImage.read(image), "a plain squashfs carries no tree");
        VerityParams p = VerityImage.append(image);
        assertEquals(0, p.dataSize() % 4096);
        assertTrue(p.dataSize() >= squashfs);
        assertEquals(p.dataSize() + p.treeSize(), Files.size(image));
        assertEquals(Optional.of(p), VerityImage.read(image));
        assumeTrue(Files.isExecutable(VERITYSETUP), "veritysetup (cryptsetup-bin) missing: scripts/bootstrap installs it");
        assertEquals(0, run(List.of(VERITYSETUP.toString(), "verify", image.toString(), image.toString(),
                p.rootHash().hex(), "--no-superblock", "--data-blocks=" + p.dataBlocks(),
                "--hash-offset=" + p.treeOffset(), "--salt=" + p.salt().hex())));
    }

    @Test
    void aFlippedByteInTheDataOrTheTreeIsAMismatch() throws Exception {
        VerityParams p = VerityImage.append(image);
        for (long at : new long[] {p.dataSize() / 2, p.treeOffset() + 5}) {
            byte[] bytes = Files.readAllBytes(image);
            bytes[(int) at] ^= 0x10;
            Path bad = Files.write(dir.resolve("bad-" + at), bytes);
            TrialbootException e = assertThrows(TrialbootException.class, () -> VerityImage.read(bad));
            assertEquals(Code.VERITY_TREE_MISMATCH, e.code(), e.getMessage());
        }
    }

    @Test
    void aTreeCutShortIsAMismatchAndATreeIsAppendedOnlyOnce() throws Exception {
        VerityImage.append(image);
        assertEquals(Code.SIZE_MISMATCH, assertThrows(TrialbootException.class, () -> VerityImage.append(image)).code());
        byte[] bytes = Files.readAllBytes(image);
        Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(bytes, bytes.length - 100));
        assertEquals(Code.VERITY_TREE_MISMATCH, assertThrows(TrialbootException.class, () -> VerityImage.read(cut)).code());
    }

    @Test
    void bytesThatAreNoSquashfsCarryNoTree() throws Exception {
        Path random = dir.resolve("random");
        byte[] bytes = new byte[64 * 1024];
        new Random(3).nextBytes(bytes);
        Files.write(random, bytes);
        assertEquals(Optional.empty(), VerityImage.read(random));
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> VerityImage.append(random)).code());
    }

    private static int run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd.get(0) + " did not finish within 60 s");
        }
        return p.exitValue();
    }
}
