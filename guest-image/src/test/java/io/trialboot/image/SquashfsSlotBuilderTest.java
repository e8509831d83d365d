package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.verity.VerityImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #17: two releases' slot images that differ only in what {@link SquashfsSlotBuilder#RELEASE_LAST}
 * names (the release file, the system set, here of another length) keep every other block of their
 * data at the same offset: the files that change are written last, so the data before them — here
 * files in {@code usr/}, after {@code etc/} and {@code opt/} in mksquashfs' own order, small ones
 * packed into shared fragment blocks like the JRE's — stays block-aligned, and a data-only delta
 * copies it in whole blocks whose verity leaf digests the device takes from the base's tree.
 */
class SquashfsSlotBuilderTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void whatChangesBetweenReleasesComesLastAndTheRestKeepsItsBlocks() throws IOException {
        byte[] one = image("one", "1.1.0", 7680);
        byte[] two = image("two", "1.2.0", 7000);
        long data = VerityImage.read(dir.resolve("one.img")).orElseThrow().dataSize();
        int blocks = (int) (data / BLOCK);
        int same = 0;
        for (int b = 0; b < blocks; b++) {
            if (Arrays.equals(one, b * BLOCK, (b + 1) * BLOCK, two, b * BLOCK, (b + 1) * BLOCK)) {
                same++;
            }
        }
        // the superblock (block 0), the last fragment (the changed files) and the tables after it differ
        assertTrue(blocks > 100, "a test image of " + blocks + " blocks");
        assertTrue(same >= blocks - 8, same + " of " + blocks + " data blocks at the same offset hold the same bytes");
        assertEquals(one.length, two.length);
    }

    /** A slot staging of {@code version} with a {@code systemSetBytes}-byte system set, squashed. */
    private byte[] image(String name, String version, int systemSetBytes) throws IOException {
        Path staging = dir.resolve(name).resolve("staging");
        Random r = new Random(17);
        for (int i = 0; i < 40; i++) { // small files: fragments, as most of the JRE's files are
            write(staging.resolve("usr/lib/small-" + i), text(r, 20_000));
        }
        for (int i = 0; i < 3; i++) {
            write(staging.resolve("usr/lib/big-" + i), text(r, 150_000));
        }
        write(staging.resolve("etc/trialboot-release"), ("NAME=trialboot\nVERSION=" + version + "\n")
                .getBytes(StandardCharsets.UTF_8));
        write(staging.resolve(SquashfsSlotBuilder.SYSTEM_SET), text(new Random(systemSetBytes), systemSetBytes));
        Path image = dir.resolve(name + ".img");
        SquashfsSlotBuilder.squash(staging, image, line -> { });
        return Files.readAllBytes(image);
    }

    /** Compressible bytes (lz4 shrinks them, so a change of content changes the compressed size). */
    private static byte[] text(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + r.nextInt(6));
        }
        return b;
    }

    private static void write(Path p, byte[] b) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }
}
