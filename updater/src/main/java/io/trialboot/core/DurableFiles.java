package io.trialboot.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one place that writes state files: write a temp file beside the target, fsync it, rename
 * it over the target, fsync the directory. A power cut at any instant leaves the old bytes or the
 * new bytes, never a mix.
 */
public final class DurableFiles {
    private DurableFiles() {}

    public static void write(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new TrialbootException(Code.HOST_IO_ERROR, "file system cannot rename atomically: " + dir, e);
            }
            fsyncDirectory(dir);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + target + " failed: " + e, e);
        }
    }

    /** Makes a directory entry change (create, rename, delete) durable. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "fsync of directory " + dir + " failed: " + e, e);
        }
    }
}
