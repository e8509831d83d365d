package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link BlockDevice} over a window {@code [offset, offset + length)} of a file or block device,
 * through one {@link FileChannel} with positioned reads and writes ({@code force} is the fsync).
 */
public final class FileBlockDevice implements BlockDevice {
    private final Path path;
    private final FileChannel channel;
    private final long base;
    private final long length;

    private FileBlockDevice(Path path, FileChannel channel, long base, long length) {
        this.path = path;
        this.channel = channel;
        this.base = base;
        this.length = length;
    }

    /** Opens a window of {@code path}; {@code HOST_NOT_FOUND} when it does not exist. */
    public static FileBlockDevice open(Path path, long offset, long length, boolean writable) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad window offset=" + offset + " length=" + length);
        }
        try {
            FileChannel ch = writable
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            return new FileBlockDevice(path, ch, offset, length);
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "no such device or file: " + path);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot open " + path + ": " + IoFailure.reason(e), e);
        }
    }

    /**
     * Opens a whole regular file, or a whole block device such as {@code /dev/vda2} (whose length
     * the kernel reports in {@code /sys/class/block/<name>/size}, in 512-byte sectors, because
     * {@code stat} gives 0 for devices).
     */
    public static FileBlockDevice openWhole(Path path, boolean writable) {
        long length;
        try {
            if (Files.isRegularFile(path)) {
                length = Files.size(path);
            } else {
                Path sys = Path.of("/sys/class/block", path.getFileName().toString(), "size");
                length = 512 * Long.parseLong(new String(Files.readAllBytes(sys), StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "cannot find the size of " + path + ": " + (e instanceof IOException io ? IoFailure.reason(io) : e.getMessage()), e);
        }
        return open(path, 0, length, writable);
    }

    @Override
    public long size() {
        return length;
    }

    private void check(long offset, int count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH,
                    "access of " + count + " bytes at " + offset + " is outside " + path + " (" + length + " bytes)");
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        check(offset, dst.remaining());
        try {
            long pos = base + offset;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, path + " ends before offset " + (pos - base));
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "read of " + path + " at " + offset + " failed: " + IoFailure.reason(e), e);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        check(offset, src.remaining());
        try {
            long pos = base + offset;
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "write of " + path + " at " + offset + " failed: " + IoFailure.reason(e), e);
        }
    }

    @Override
    public void sync() {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "fsync of " + path + " failed: " + IoFailure.reason(e), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "close of " + path + " failed: " + IoFailure.reason(e), e);
        }
    }

    @Override
    public String toString() {
        return path + "[" + base + "+" + length + "]";
    }
}
