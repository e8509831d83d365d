package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/** Hashes the first {@code size} bytes of a device with a bounded buffer. */
public final class SlotDigests {
    /** The buffer every streaming read and write of a slot uses. */
    public static final int BUFFER_BYTES = 1 << 20;

    private SlotDigests() {}

    public static Sha256 digest(BlockDevice device, long size) {
        if (size > device.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH,
                    "image of " + size + " bytes does not fit " + device + " (" + device.size() + " bytes)");
        }
        MessageDigest md = Sha256.newDigest();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, Math.max(1, size)));
        for (long off = 0; off < size; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), size - off));
            device.read(off, buf);
            buf.flip();
            md.update(buf);
            off += buf.limit();
        }
        return new Sha256(md.digest());
    }

    /** Throws {@link Code#APPLY_DIGEST_MISMATCH} unless the device holds {@code image}. */
    public static void verify(BlockDevice device, SlotImage image) {
        Sha256 actual = digest(device, image.size());
        if (!actual.equals(image.digest())) {
            throw new TrialbootException(Code.APPLY_DIGEST_MISMATCH, device + " holds " + actual.shortHex()
                    + " over " + image.size() + " bytes, expected " + image.digest().shortHex());
        }
    }
}
