package io.trialboot.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one place that writes state files. {@link #write}: write a temp file beside the target, fsync
 * it, rename it over the target, fsync the directory; a power cut at any instant leaves the old
 * bytes or the new bytes, never a mix. The append-only history adds three steps that are not atomic
 * by themselves ({@link #append}, {@link #overwrite}, {@link #truncate}): its intent record
 * ({@code records/HistoryLog}) is what makes a cut between them recoverable.
 */
public final class DurableFiles {
    private DurableFiles() {}

    public static void write(Path target, byte[] content) {
        Path temp = temp(target);
        try {
            fill(temp, content);
            renameOver(temp, target);
            fsyncDirectory(target.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + target + " failed: " + IoFailure.reason(e), e);
        }
    }

    /**
     * Replaces {@code file} and the {@code voucher} beside it that vouches for it (its signature
     * file), with nothing between them that pairs one's bytes with the other's: both are written in
     * full beside their targets and fsynced, then the old voucher is removed, the file renamed in,
     * the voucher renamed in, and the directory fsynced. A cut at any instant leaves the old pair,
     * the new pair, or a file (old or new) with no voucher, which its reader refuses as unsigned;
     * never a file under another's voucher, never a half-written one. A failure before the old
     * voucher is removed leaves the old pair as it was; the temp files are removed either way.
     */
    public static void writePair(Path file, byte[] content, Path voucher, byte[] voucherContent) {
        Path fileTemp = temp(file);
        Path voucherTemp = temp(voucher);
        try {
            fill(fileTemp, content);
            fill(voucherTemp, voucherContent);
            Files.deleteIfExists(voucher);
            renameOver(fileTemp, file);
            renameOver(voucherTemp, voucher);
            fsyncDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + file + " and " + voucher.getFileName()
                    + " failed: " + IoFailure.reason(e), e);
        } finally {
            removeQuietly(fileTemp);
            removeQuietly(voucherTemp);
        }
    }

    private static Path temp(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".tmp");
    }

    private static void fill(Path temp, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static void renameOver(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "file system cannot rename atomically: "
                    + target.toAbsolutePath().getParent(), e);
        }
    }

    /** A temp file left by a failed write is only clutter (the next write truncates it): its removal may fail. */
    private static void removeQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the failure being reported is the write's; the leftover is overwritten by the next write
        }
    }

    /**
     * Appends {@code bytes} to {@code file} and fsyncs it, only while the file is still {@code at}
     * bytes long: when another writer changed its length since the caller read it, nothing is written
     * and the answer is {@link Code#HOST_CONCURRENT_MODIFICATION}. A power cut can leave any prefix of
     * {@code bytes} behind.
     */
    public static void append(Path file, long at, byte[] bytes) {
        append(file, at, bytes, true);
    }

    static void append(Path file, long at, byte[] bytes, boolean sync) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long now = ch.size();
            if (now != at) {
                throw new TrialbootException(Code.HOST_CONCURRENT_MODIFICATION, file + " changed after it was read ("
                        + at + " bytes read, " + now + " bytes now): another writer got there first; nothing was"
                        + " written, read it again");
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "not found: " + file);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "durable append to " + file + " failed: " + IoFailure.reason(e), e);
        }
    }

    /**
     * Writes {@code content} over a small file in place (creating it, and then fsyncing its
     * directory, when missing) and fsyncs it. Not atomic: a power cut can leave old and new bytes
     * mixed, so its reader must be able to tell a torn copy (the history's intent carries a digest).
     * One fsync, where {@link #write} needs two.
     */
    public static void overwrite(Path file, byte[] content) {
        overwrite(file, content, true);
    }

    static void overwrite(Path file, byte[] content, boolean sync) {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
            ch.truncate(content.length);
            if (sync) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + file + " failed: " + IoFailure.reason(e), e);
        }
        if (created && sync) {
            fsyncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /**
     * Cuts {@code file} to {@code length} bytes; fsynced when {@code sync}. Without it the cut may be
     * undone by a power cut: only for bytes whose return is harmless.
     */
    public static void truncate(Path file, long length, boolean sync) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
            if (sync) {
                ch.force(true);
            }
        } catch (NoSuchFileException e) {
            if (length > 0) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "not found: " + file);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot cut " + file + " to " + length + " bytes: " + IoFailure.reason(e), e);
        }
    }

    /** Makes a directory entry change (create, rename, delete) durable. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "fsync of directory " + dir + " failed: " + IoFailure.reason(e), e);
        }
    }
}
