package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guest side: serves the copies of a delta from the base image, reading it forwards in
 * {@code buffer}-sized chunks; a copy from the current chunk or from further on is served from that
 * pass (skipping ahead reads the bytes in between), and only a copy reaching back before the current
 * chunk reads the device again.
 *
 * <p>A {@linkplain BaseImage#hashed hashed} base is hashed in that one pass, each chunk once, on
 * the {@link Offload} thread, on a copy of the chunk; {@link #finish} hashes what no copy reached,
 * so the digest covers exactly the base's {@code size} bytes, in order; re-reads are not hashed. A
 * {@linkplain BaseImage#verified verified} base is read through dm-verity, which checks every
 * block it reads, re-reads included: it is not hashed here, and a read the kernel refuses is
 * {@link Code#DELTA_BASE_MISMATCH}.
 */
final class BaseReader implements AutoCloseable {
    private final BlockDevice device;
    private final long size;
    private final Optional<Offload> offload;
    private final MessageDigest md;
    private final Offload.Tap hash;
    private final ByteBuffer chunk;
    private long chunkStart; // base offset of chunk's byte 0; the chunk holds [chunkStart, read)
    private long read;

    /** Reads {@code base} for the delta {@code h}: a hashed base whole, a verified one up to the data the operations read. */
    BaseReader(BaseImage base, DeltaHeader h, int buffer) {
        this.device = base.device();
        this.size = base.signed().isPresent() ? h.sourceData() : h.source().size();
        this.offload = base.signed().isPresent() ? Optional.empty() : Optional.of(new Offload(buffer));
        this.md = Sha256.newDigest();
        this.hash = offload.map(o -> o.tap(md::update)).orElse(Offload.Tap.NONE);
        this.chunk = ByteBuffer.allocate((int) Math.min(buffer, size));
    }

    /** Puts base bytes {@code [from, from + dst.remaining())} into {@code dst}; the range is inside the base. */
    void read(long from, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            if (from < chunkStart) {
                int n = (int) Math.min(dst.remaining(), chunkStart - from);
                ByteBuffer part = dst.duplicate();
                part.limit(part.position() + n);
                fetch(from, part);
                dst.position(dst.position() + n);
                from += n;
                continue;
            }
            while (from >= read) {
                next();
            }
            int at = (int) (from - chunkStart);
            int n = (int) Math.min(dst.remaining(), read - from);
            dst.put(chunk.array(), at, n);
            from += n;
        }
    }

    /** Reads (and for a hashed base, hashes) the next chunk of the base. */
    private void next() {
        chunkStart = read;
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), size - read));
        fetch(read, chunk);
        hash.written(chunk.array(), 0, chunk.limit());
        read += chunk.limit();
    }

    private void fetch(long at, ByteBuffer dst) {
        try {
            device.read(at, dst);
        } catch (TrialbootException e) {
            if (offload.isPresent() || e.code() != Code.HOST_IO_ERROR) {
                throw e;
            }
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the active slot's data at byte " + at
                    + " does not read through its dm-verity mapping (" + e.getMessage() + "): the kernel refuses a block"
                    + " that does not hash to the signed root, so the slot does not hold its signed image, the delta's"
                    + " base; the inactive slot stays invalid", e);
        }
    }

    /**
     * A hashed base: hashes the rest of it and returns the digest of all of it. A verified base:
     * empty (it was proven before the first write, and each block as it was read).
     */
    Optional<Sha256> finish() {
        if (offload.isEmpty()) {
            return Optional.empty();
        }
        while (read < size) {
            next();
        }
        offload.get().drain();
        return Optional.of(new Sha256(md.digest()));
    }

    @Override
    public void close() {
        offload.ifPresent(Offload::close);
    }
}
