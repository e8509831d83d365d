package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes a directory tree's metadata independent of the machine that built it, before a file system
 * image is made of it ({@code mksquashfs}, {@code mke2fs -d} copy modes and times): every directory
 * {@code 0755}, every regular file {@code 0755} when its owner may execute it and {@code 0644}
 * otherwise, every modification time the epoch. The files Java writes get their mode from the
 * builder's umask and their time from the clock; without this, a build under {@code umask 077} or a
 * minute later gives different images. Symbolic links are left as they are (their mode is not
 * used, and {@code mksquashfs -all-time} stamps their time).
 */
final class StableTree {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    static final Set<PosixFilePermission> EXECUTABLE = DIRECTORY;
    static final Set<PosixFilePermission> REGULAR = PosixFilePermissions.fromString("rw-r--r--");
    static final FileTime TIME = FileTime.fromMillis(0);

    private StableTree() {}

    static void normalize(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, DIRECTORY);
                } else {
                    boolean exec = Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(p, exec ? EXECUTABLE : REGULAR);
                }
                Files.setLastModifiedTime(p, TIME);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot normalize the modes and times under " + root, e);
        }
    }
}
