package io.trialboot.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Bounded reads of inputs: the size is checked before anything is read whole. */
public final class Inputs {
    private Inputs() {}

    /** Reads a file of at most {@code limit} bytes; a larger file is {@link Code#HOST_INPUT_OVERSIZE}. */
    public static byte[] read(Path file, int limit) {
        try (InputStream in = Files.newInputStream(file)) {
            Bounds.check(file.toString(), Files.size(file), limit);
            return readBounded(in, limit, file.toString());
        } catch (IOException e) {
            throw IoFailure.reading(file, e);
        }
    }

    /** Reads a stream of at most {@code limit} bytes (it may grow while read, so it is counted too). */
    public static byte[] readBounded(InputStream in, int limit, String what) throws IOException {
        byte[] data = in.readNBytes(limit);
        if (in.read() >= 0) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, what + " is over the bound of " + limit + " bytes");
        }
        return data;
    }

    /** The digest and length of a stream, read to its end in bounded chunks; at most {@code limit} bytes. */
    public static Measured measure(InputStream in, long limit, String what) {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                Bounds.check(what, total, limit);
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + what + ": " + IoFailure.reason(e), e);
        }
        return new Measured(new Sha256(md.digest()), total);
    }

    /** A stream's SHA-256 and length. */
    public record Measured(Sha256 sha256, long size) {}
}
