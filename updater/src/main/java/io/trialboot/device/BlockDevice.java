package io.trialboot.device;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * A fixed-size region of bytes addressed by offset: a slot partition. The same code writes a file
 * on the host and {@code /dev/vdaN} in the guest ({@link FileBlockDevice}); tests substitute
 * devices that fail at a chosen write or sync.
 */
public interface BlockDevice extends Closeable {
    /** The device's length in bytes; offsets run from 0 to {@code size()}. */
    long size();

    /** Reads exactly {@code dst.remaining()} bytes at {@code offset}. */
    void read(long offset, ByteBuffer dst);

    /** Writes all of {@code src} at {@code offset}; not durable until {@link #sync()}. */
    void write(long offset, ByteBuffer src);

    /** Makes every earlier write durable (fsync). */
    void sync();

    @Override
    void close();
}
