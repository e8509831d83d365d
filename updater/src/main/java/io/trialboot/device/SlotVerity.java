package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A slot's dm-verity root hash recomputed from the data on its device ({@link VerityTree#build}
 * over the first {@code data_size} bytes, with the signed salt and layout) and compared with the
 * root hash signed for it: what {@code nx selfcheck --deep} checks for every bootable slot.
 */
public final class SlotVerity {
    private SlotVerity() {}

    /** The root hash of the data {@code device} holds, under the layout and salt of {@code signed}. */
    public static Sha256 root(BlockDevice device, VerityParams signed) {
        if (signed.treeOffset() + signed.treeSize() > device.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "the verity data and tree ("
                    + (signed.treeOffset() + signed.treeSize()) + " bytes) do not fit " + device + " ("
                    + device.size() + " bytes)");
        }
        try (InputStream data = stream(device, signed.dataSize())) {
            return VerityTree.build(data, signed.dataSize(), signed.treeOffset(), signed.salt(),
                    OutputStream.nullOutputStream()).rootHash();
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading " + device + " failed: " + e, e);
        }
    }

    /** Throws {@link Code#VERITY_ROOT_MISMATCH} unless the data on {@code device} has the signed root hash. */
    public static void verify(BlockDevice device, VerityParams signed) {
        Sha256 actual = root(device, signed);
        if (!actual.equals(signed.rootHash())) {
            throw new TrialbootException(Code.VERITY_ROOT_MISMATCH, device + ": the verity root hash of its "
                    + signed.dataSize() + " bytes of data is " + actual.hex() + ", the signed one is "
                    + signed.rootHash().hex());
        }
    }

    /** The first {@code size} bytes of {@code device}, read through one bounded buffer. */
    private static InputStream stream(BlockDevice device, long size) {
        return new InputStream() {
            private long offset;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (offset >= size) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, SlotDigests.BUFFER_BYTES), size - offset);
                device.read(offset, ByteBuffer.wrap(b, off, n));
                offset += n;
                return n;
            }
        };
    }
}
