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
 * The fixed 104-byte header of an {@code .nxdelta} file (see {@code docs/delta.md}): the image the
 * delta applies to and the image it produces, both by digest and size, how many of the base's first
 * bytes its operations read ({@code sourceData}: the base's data when the base carries a dm-verity
 * tree, so the device can serve them through its verity mapping, which ends where the tree starts),
 * the dictionary size of the raw LZMA2 operation stream that follows, and its kind: whether the
 * stream makes the whole target, or its data only (the device recomputes the dm-verity tree after
 * it). Big-endian. Only format version 3 is read: versions 1 and 2 are refused with
 * {@link Code#SCHEMA_MISMATCH}.
 */
public record DeltaHeader(int dictBytes, SlotImage source, long sourceData, SlotImage target, boolean dataOnly) {
    static final byte[] MAGIC = {'N', 'X', 'D', 'E', 'L', 'T', 'A', 0};
    static final int VERSION = 3;
    /** The operations make the whole raw slot image. */
    static final int KIND_RAW_IMAGE = 1;
    /**
     * The operations make the image up to its dm-verity tree (the signed {@code tree_offset}); the
     * applier builds the tree from the data as it writes it and checks it against the signed root.
     */
    static final int KIND_VERITY_DATA = 2;
    /** The operation stream is one raw LZMA2 stream (no xz framing: the signed digest covers the file). */
    static final int CODEC_LZMA2 = 2;
    /** The smallest LZMA2 dictionary. */
    static final int MIN_DICT_BYTES = 4096;
    public static final int BYTES = 104;

    public DeltaHeader {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (sourceData <= 0 || sourceData > source.size()) {
            throw new IllegalArgumentException("operations reading " + sourceData + " bytes of a " + source.size()
                    + "-byte base");
        }
        if (dictBytes < MIN_DICT_BYTES) {
            throw new IllegalArgumentException("LZMA2 dictionary of " + dictBytes + " bytes, under " + MIN_DICT_BYTES);
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put(MAGIC).putShort((short) VERSION).put((byte) (dataOnly ? KIND_VERITY_DATA : KIND_RAW_IMAGE))
                .put((byte) CODEC_LZMA2).putInt(dictBytes);
        b.putLong(source.size()).put(source.digest().bytes());
        b.putLong(target.size()).put(target.digest().bytes());
        b.putLong(sourceData);
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
        if (version != VERSION) {
            throw new TrialbootException(Code.SCHEMA_MISMATCH, ".nxdelta format version " + version
                    + "; this updater reads version " + VERSION + " only (make the delta again with its tools)");
        }
        if ((kind != KIND_RAW_IMAGE && kind != KIND_VERITY_DATA) || codec != CODEC_LZMA2) {
            throw malformed("kind " + kind + " codec " + codec + " (known: kinds " + KIND_RAW_IMAGE + ", "
                    + KIND_VERITY_DATA + "; codec " + CODEC_LZMA2 + ")");
        }
        int dictBytes = b.getInt();
        SlotImage source = image(b, "source");
        SlotImage target = image(b, "target");
        long sourceData = b.getLong();
        try {
            return new DeltaHeader(dictBytes, source, sourceData, target, kind == KIND_VERITY_DATA);
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
