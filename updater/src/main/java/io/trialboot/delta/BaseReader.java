package io.trialboot.delta;

import io.trialboot.core.Sha256;
import io.trialboot.device.BlockDevice;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Guest side: serves the copies of a delta from the base image while hashing the base in one
 * sequential pass. The base is read forwards in {@code buffer}-sized chunks, each hashed once as it
 * is read; a copy from the current chunk or from further on is served from that pass (skipping
 * ahead reads and hashes the bytes in between), and only a copy reaching back before the current
 * chunk reads the device again, without hashing. {@link #finish} hashes what no copy reached, so
 * the digest always covers exactly the first {@code size} bytes, in order. The hashing runs on the
 * {@link Offload} thread, on a copy of each chunk.
 */
final class BaseReader {
    private final BlockDevice device;
    private final long size;
    private final MessageDigest md = Sha256.newDigest();
    private final Offload offload;
    private final OpApplier.Tap hash;
    private final ByteBuffer chunk;
    private long chunkStart; // base offset of chunk's byte 0; the chunk holds [chunkStart, hashed)
    private long hashed;
    private long reread;

    BaseReader(BlockDevice device, long size, int buffer, Offload offload) {
        this.device = device;
        this.size = size;
        this.offload = offload;
        this.hash = offload.tap(md::update);
        this.chunk = ByteBuffer.allocate((int) Math.min(buffer, size));
    }

    /** Puts base bytes {@code [from, from + dst.remaining())} into {@code dst}; the range is inside the base. */
    void read(long from, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            if (from < chunkStart) {
                int n = (int) Math.min(dst.remaining(), chunkStart - from);
                ByteBuffer part = dst.duplicate();
                part.limit(part.position() + n);
                device.read(from, part);
                dst.position(dst.position() + n);
                reread += n;
                from += n;
                continue;
            }
            while (from >= hashed) {
                next();
            }
            int at = (int) (from - chunkStart);
            int n = (int) Math.min(dst.remaining(), hashed - from);
            dst.put(chunk.array(), at, n);
            from += n;
        }
    }

    /** Reads and hashes the next chunk of the base. */
    private void next() {
        chunkStart = hashed;
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), size - hashed));
        device.read(hashed, chunk);
        hash.written(chunk.array(), 0, chunk.limit());
        hashed += chunk.limit();
    }

    /** Hashes the rest of the base and returns the digest of all of it. */
    Sha256 finish() {
        while (hashed < size) {
            next();
        }
        offload.drain();
        return new Sha256(md.digest());
    }

    /** Base bytes read a second time, for copies reaching back before the current chunk. */
    long reread() {
        return reread;
    }
}
