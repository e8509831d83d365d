package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.guest.SlotRelease;
import io.trialboot.verity.VerityImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #17: two releases' slot images that differ only in what {@link SquashfsSlotBuilder#RELEASE_LAST}
 * names (the release file, the system set, here of another length) keep every other block of their
 * data at the same offset: the common part (here files in {@code usr/}, small ones packed into
 * shared fragment blocks like the JRE's) is one image both copy, the releases' own directories are
 * appended after it with the files that change last, so a data-only delta copies the rest in whole
 * blocks whose verity leaf digests the device takes from the base's tree. And an image so assembled
 * holds exactly the staged tree: every path, mode, link and byte, no directory added twice.
 */
class SquashfsSlotBuilderTest {
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void whatChangesBetweenReleasesComesLastAndTheRestKeepsItsBlocks() throws IOException {
        byte[] one = image("one", "1.1.0", 7680);
        byte[] two = image("two", "1.2.0", 7000);
        long data = Math.min(VerityImage.read(dir.resolve("one.img")).orElseThrow().dataSize(),
                VerityImage.read(dir.resolve("two.img")).orElseThrow().dataSize());
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
    }

    @Test
    void anAppendedImageHoldsExactlyTheStagedTree() throws IOException {
        Path staging = dir.resolve("whole");
        common(staging);
        release(staging, "1.1.0", 7680);
        Files.createDirectories(staging.resolve("etc/java/security"));
        Files.writeString(staging.resolve("etc/java/security/java.security"), "jdk.security=x\n");
        Files.createSymbolicLink(staging.resolve("usr/lib/link"), Path.of("small-1"));
        Path script = staging.resolve("usr/bin/run");
        write(script, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        script.toFile().setExecutable(true, false);
        Path common = dir.resolve("common.sqfs");
        SquashfsSlotBuilder.squashCommon(staging, common);
        Path part = dir.resolve("part");
        for (String top : SquashfsSlotBuilder.RELEASE_DIRS) {
            Files.move(staging.resolve(top), Files.createDirectories(part).resolve(top));
        }
        Path image = dir.resolve("whole.img");
        SquashfsSlotBuilder.appendRelease(common, part, image, line -> { });
        for (String top : SquashfsSlotBuilder.RELEASE_DIRS) {
            Files.move(part.resolve(top), staging.resolve(top));
        }

        Path out = dir.resolve("unsquashed");
        Tools.run(List.of("unsquashfs", "-no-progress", "-d", out.toString(), image.toString()), dir, Duration.ofMinutes(1));
        assertEquals(listing(staging), listing(out));
    }

    @Test
    void aReleasePartWithMoreThanItsDirectoriesIsRefused() throws IOException {
        Path staging = dir.resolve("whole");
        common(staging);
        Path common = dir.resolve("common.sqfs");
        SquashfsSlotBuilder.squashCommon(staging, common);
        Path part = dir.resolve("part");
        release(part, "1.1.0", 100);
        write(part.resolve("usr/extra"), new byte[] {1});
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> SquashfsSlotBuilder.appendRelease(common, part, dir.resolve("bad.img"), line -> { }));
        assertTrue(e.getMessage().contains("holds more than [etc, opt]"), e.getMessage());
    }

    /**
     * The JDK's default class archive for a heap without compressed oops is left out of the slot
     * (the guest's JVM never maps it); the default one, {@code classes.jsa}, and the JVM stay.
     */
    @Test
    void theCommonPartLeavesOutTheArchiveTheGuestNeverMaps() throws IOException {
        Path unpacked = dir.resolve("unpacked");
        Path server = unpacked.resolve(GuestJdk.HOME + "/lib/server");
        for (String f : List.of("classes.jsa", "classes_nocoops.jsa", "libjvm.so")) {
            write(server.resolve(f), new byte[] {1});
        }
        write(unpacked.resolve(GuestJdk.JAVA), new byte[] {4});
        write(unpacked.resolve("usr/share/doc/" + GuestJdk.PACKAGE + "/copyright"), new byte[] {2});
        write(unpacked.resolve("usr/bin/busybox"), new byte[] {3});
        Path sources = dir.resolve("sources");
        for (String script : List.of("trialboot-init", "nx")) {
            write(sources.resolve("slot/" + script), "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        }
        Path staging = dir.resolve("staging");
        SquashfsSlotBuilder.stageCommon(unpacked, unpacked.resolve("usr/bin/busybox"), sources, staging);

        Path staged = staging.resolve(GuestJdk.HOME + "/lib/server");
        assertTrue(Files.exists(staged.resolve("classes.jsa")));
        assertTrue(Files.exists(staged.resolve("libjvm.so")));
        assertFalse(Files.exists(staged.resolve("classes_nocoops.jsa")));
        assertFalse(Files.exists(staging.resolve("usr/share/doc")));
    }

    /** Two slot images of {@code version} with a {@code systemSetBytes}-byte system set, from one common image. */
    private byte[] image(String name, String version, int systemSetBytes) throws IOException {
        Path common = dir.resolve("common.sqfs");
        if (!Files.exists(common)) {
            Path staging = dir.resolve("common");
            common(staging);
            SquashfsSlotBuilder.squashCommon(staging, common);
        }
        Path staging = dir.resolve(name).resolve("staging");
        release(staging, version, systemSetBytes);
        Path image = dir.resolve(name + ".img");
        SquashfsSlotBuilder.appendRelease(common, staging, image, line -> { });
        return Files.readAllBytes(image);
    }

    private static void common(Path staging) throws IOException {
        Random r = new Random(17);
        for (int i = 0; i < 40; i++) { // small files: fragments, as most of the JRE's files are
            write(staging.resolve("usr/lib/small-" + i), text(r, 20_000));
        }
        for (int i = 0; i < 3; i++) {
            write(staging.resolve("usr/lib/big-" + i), text(r, 150_000));
        }
    }

    private static void release(Path staging, String version, int systemSetBytes) throws IOException {
        write(staging.resolve(SlotFiles.LIB + "/updater.jar"), text(new Random(3), 60_000));
        write(staging.resolve(SlotFiles.RELEASE), SlotRelease.text(version)
                .getBytes(StandardCharsets.UTF_8));
        write(staging.resolve(SlotFiles.SYSTEM_SET), text(new Random(systemSetBytes), systemSetBytes));
    }

    /** Every path under {@code root} with its type, mode and content digest (or link target). */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p)) {
                    what = "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                } else {
                    what = "file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + FileDigests.sha256(p).hex();
                }
                entries.put(root.relativize(p).toString(), what);
            }
        }
        return entries;
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
