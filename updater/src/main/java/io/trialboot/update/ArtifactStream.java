package io.trialboot.update;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotImage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes and counts an artifact as the applier reads it, bounded by its signed size. */
final class ArtifactStream extends FilterInputStream {
    private final MessageDigest md = Sha256.newDigest();
    private final long limit;
    private long count;

    ArtifactStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "artifact is longer than its signed size of "
                        + limit + " bytes");
            }
            md.update(b, off, n);
        }
        return n;
    }

    /** After the applier is done: the artifact ended at its signed size and hashes to its signed digest. */
    void check(SlotImage expected) throws IOException {
        if (super.read() != -1 || count != expected.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "artifact is not its signed size of "
                    + expected.size() + " bytes");
        }
        Sha256 got = new Sha256(md.digest());
        if (!got.equals(expected.digest())) {
            throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, "artifact hashes to " + got.shortHex()
                    + ", the release names " + expected.digest().shortHex());
        }
    }
}
