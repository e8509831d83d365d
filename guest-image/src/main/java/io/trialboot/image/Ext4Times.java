package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pins what {@code mke2fs -d} copies from the host into an ext4 file system and {@link StableTree}
 * cannot set: each inode's access and change times (the host's ctime is whenever the build wrote the
 * file, and mke2fs's own reading moves the atime) and its owner (the building user's uid and gid).
 * {@code debugfs -w} sets them to 0 on every file and directory of the tree, so the image depends on
 * the tree's contents only (docs/reproducibility.md). Works on a file system inside a disk image
 * through debugfs's {@code ?offset=} option.
 */
final class Ext4Times {
    /**
     * The environment of every e2fsprogs tool the build runs: mke2fs and debugfs stamp the superblock
     * (creation, mount and write times) and the inodes they create with this fixed time, not the clock.
     */
    static final Map<String, String> FIXED_TIME = Map.of("E2FSPROGS_FAKE_TIME", "1", "SOURCE_DATE_EPOCH", "0");

    private Ext4Times() {}

    /** The debugfs commands for {@code tree} (its root is the file system's {@code /}), in path order. */
    static String commands(Path tree) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s.filter(p -> !Files.isSymbolicLink(p)).sorted()::iterator) {
                String path = "\"/" + tree.relativize(p).toString().replace('\\', '/') + "\"";
                for (String field : List.of("atime", "ctime", "uid", "gid")) {
                    sb.append("sif ").append(path).append(' ').append(field).append(" 0\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    /** Applies {@link #commands} to the ext4 file system at byte {@code offset} of {@code image}. */
    static void pin(Path image, long offset, Path tree, Consumer<String> log) {
        Path script = image.resolveSibling(image.getFileName() + ".debugfs");
        try {
            Files.writeString(script, commands(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String target = offset == 0 ? image.toString() : image + "?offset=" + offset;
        // debugfs echoes every command ("debugfs: sif ...") and its banner; anything else is an error,
        // which it reports without a failing exit status.
        List<String> errors = new ArrayList<>();
        Tools.run(List.of("debugfs", "-w", "-f", script.toString(), target), image.getParent(), Duration.ofMinutes(2),
                FIXED_TIME, line -> {
                    if (!line.startsWith("debugfs")) {
                        synchronized (errors) {
                            errors.add(line);
                        }
                    }
                });
        if (!errors.isEmpty()) {
            throw new ImageBuildException("debugfs could not pin the inode times in " + target + ": "
                    + String.join("; ", errors.subList(0, Math.min(5, errors.size()))));
        }
        log.accept("ext4: atime, ctime, uid and gid pinned to 0 in " + image.getFileName());
        try {
            Files.delete(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
