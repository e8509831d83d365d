package io.trialboot.apply;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * A slot image written once, in order from offset 0, through this device: it hashes the bytes as
 * they go by (SHA-256, the one hash pass of an apply) and keeps a CRC-32 of each
 * {@value #CHUNK_BYTES}-byte chunk; after the fsync {@link #readBack} reads the slot back and
 * compares each chunk's CRC with the one written.
 *
 * <p>Why a CRC and not a second SHA-256 for the read-back: the digest proves the bytes written are
 * the signed image; the read-back only has to prove that the slot returns the very bytes that were
 * hashed (no write lost, misplaced or corrupted on the way). The device is not an adversary that
 * forges collisions, and CRC-32 (zlib's, native code) detects every error burst up to 32 bits and
 * any other change with probability 1 - 2^-32 per chunk, at a fraction of SHA-256's cost in the
 * guest's C1-only JVM under emulation (docs/benchmarks.md).
 */
public final class CheckedWrite extends ForwardingDevice {
    /** Bytes per CRC: the read-back reads the slot in chunks of this size. */
    public static final int CHUNK_BYTES = 1 << 20;
    private final MessageDigest md;
    private final CRC32 crc = new CRC32();
    private final int[] crcs;
    private long written;

    public CheckedWrite(BlockDevice target) {
        this(target, Sha256.newDigest());
    }

    private CheckedWrite(BlockDevice target, MessageDigest md) {
        super(target);
        this.md = md;
        this.crcs = new int[(int) ((target.size() + CHUNK_BYTES - 1) / CHUNK_BYTES)];
    }

    /**
     * A checked write that takes the CRCs for the read-back but no SHA-256: for a target whose
     * bytes are proven another way (a data-only delta: the dm-verity root of the data it wrote,
     * docs/delta.md). {@link #digest} is not available.
     */
    public static CheckedWrite withoutDigest(BlockDevice target) {
        return new CheckedWrite(target, null);
    }

    /** Bytes written so far (all from offset 0, in order). */
    public long written() {
        return written;
    }

    /** The SHA-256 of every byte written, in order. Call once, after the last write. */
    public Sha256 digest() {
        if (md == null) {
            throw new IllegalStateException("this checked write takes no digest");
        }
        return new Sha256(md.digest());
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        if (offset != written) {
            throw new IllegalStateException("a checked write goes in order: offset " + offset + " after " + written);
        }
        ByteBuffer seen = src.duplicate();
        target.write(offset, src);
        if (md != null) {
            md.update(seen.duplicate());
        }
        while (seen.hasRemaining()) {
            int n = (int) Math.min(seen.remaining(), CHUNK_BYTES - written % CHUNK_BYTES);
            ByteBuffer part = seen.slice(seen.position(), n);
            crc.update(part);
            seen.position(seen.position() + n);
            written += n;
            if (written % CHUNK_BYTES == 0) {
                crcs[(int) (written / CHUNK_BYTES) - 1] = (int) crc.getValue();
                crc.reset();
            }
        }
    }

    /**
     * Reads back every byte written and compares each chunk's CRC-32 with the one taken as it was
     * written: {@link Code#APPLY_DIGEST_MISMATCH} when the slot does not return what was written.
     */
    public void readBack() {
        if (written % CHUNK_BYTES != 0) {
            crcs[(int) (written / CHUNK_BYTES)] = (int) crc.getValue();
        }
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(1, written)));
        CRC32 back = new CRC32();
        for (long off = 0; off < written; off += buf.limit()) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), written - off));
            target.read(off, buf);
            buf.flip();
            back.reset();
            back.update(buf);
            if ((int) back.getValue() != crcs[(int) (off / CHUNK_BYTES)]) {
                throw new TrialbootException(Code.APPLY_DIGEST_MISMATCH, target + " reads back other bytes than were"
                        + " written in the " + buf.limit() + " bytes at " + off);
            }
        }
    }
}
