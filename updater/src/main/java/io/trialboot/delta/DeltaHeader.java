package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotImage;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fixed 96-byte header of an {@code .nxdelta} file (see {@code docs/delta.md}): the image the
 * delta applies to and the image it produces, both by digest and size, the maker's block size and
 * the codec of the operation stream that follows. Big-endian.
 */
public record DeltaHeader(int blockSize, SlotImage source, SlotImage target) {
    static final byte[] MAGIC = {'N', 'X', 'D', 'E', 'L', 'T', 'A', 0};
    static final int VERSION = 1;
    /** The only kind: a whole raw slot image. */
    static final int KIND_RAW_IMAGE = 1;
    /** The operation stream is one xz (LZMA2) stream. */
    static final int CODEC_XZ = 1;
    public static final int BYTES = 96;

    public DeltaHeader {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (blockSize < 16 || blockSize > 1 << 20) {
            throw new IllegalArgumentException("block size must be 16..1 MiB: " + blockSize);
        }
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put(MAGIC).putShort((short) VERSION).put((byte) KIND_RAW_IMAGE).put((byte) CODEC_XZ).putInt(blockSize);
        b.putLong(source.size()).put(source.digest().bytes());
        b.putLong(target.size()).put(target.digest().bytes());
        return b.array();
    }

    /** Reads exactly {@link #BYTES} bytes; anything unexpected is {@link Code#MALFORMED_INPUT}. */
    public static DeltaHeader read(InputStream in) throws IOException {
        byte[] raw = new byte[BYTES];
        try {
            new DataInputStream(in).readFully(raw);
        } catch (EOFException e) {
            throw malformed("ends inside the " + BYTES + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw malformed("does not start with the NXDELTA magic");
        }
        int version = b.getShort() & 0xffff;
        int kind = b.get() & 0xff;
        int codec = b.get() & 0xff;
        if (version != VERSION || kind != KIND_RAW_IMAGE || codec != CODEC_XZ) {
            throw malformed("version " + version + " kind " + kind + " codec " + codec + " (known: 1 1 1)");
        }
        int blockSize = b.getInt();
        SlotImage source = image(b, "source");
        SlotImage target = image(b, "target");
        try {
            return new DeltaHeader(blockSize, source, target);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private static SlotImage image(ByteBuffer b, String what) {
        long size = b.getLong();
        byte[] d = new byte[Sha256.LENGTH];
        b.get(d);
        if (size <= 0) {
            throw malformed(what + " size " + size);
        }
        return new SlotImage(new Sha256(d), size);
    }

    static TrialbootException malformed(String why) {
        return new TrialbootException(Code.MALFORMED_INPUT, ".nxdelta " + why);
    }
}
