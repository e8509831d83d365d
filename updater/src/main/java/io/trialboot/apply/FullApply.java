package io.trialboot.apply;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Full apply: streams a slot image from the media into a slot with one bounded buffer, hashing as
 * it goes ({@link CheckedWrite}: the one SHA-256 pass), then fsyncs and reads the slot back against
 * the CRCs taken as it was written. Marking the slot invalid before and verified after is the
 * caller's ({@link io.trialboot.update.UpdateEngine}).
 */
public final class FullApply {
    private FullApply() {}

    /**
     * Writes exactly {@code expected.size()} bytes of {@code image} to {@code target} from offset 0.
     * The stream must end there ({@link Code#APPLY_SIZE_MISMATCH} otherwise), the bytes must hash to
     * the expected digest ({@link Code#ARTIFACT_DIGEST_MISMATCH}), and the slot must read back as
     * written ({@link Code#APPLY_DIGEST_MISMATCH}).
     */
    public static Sha256 write(InputStream image, BlockDevice target, SlotImage expected) throws IOException {
        Bounds.check("slot image", expected.size(), Bounds.SLOT_IMAGE_BYTES);
        if (expected.size() > target.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "image of " + expected.size()
                    + " bytes does not fit " + target + " (" + target.size() + " bytes)");
        }
        CheckedWrite out = new CheckedWrite(target);
        byte[] buf = new byte[(int) Math.min(SlotDigests.BUFFER_BYTES, expected.size())];
        while (out.written() < expected.size()) {
            int n = image.readNBytes(buf, 0, (int) Math.min(buf.length, expected.size() - out.written()));
            if (n == 0) {
                throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "image ends after " + out.written() + " of "
                        + expected.size() + " bytes");
            }
            out.write(out.written(), ByteBuffer.wrap(buf, 0, n));
        }
        if (image.read() != -1) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "image is longer than its signed size of "
                    + expected.size() + " bytes");
        }
        Sha256 streamed = out.digest();
        if (!streamed.equals(expected.digest())) {
            throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, "image from the media hashes to "
                    + streamed.shortHex() + ", the release names " + expected.digest().shortHex());
        }
        out.sync();
        out.readBack();
        return streamed;
    }
}
