package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Operation codes of the {@code .nxdelta} stream and its LEB128 varints. */
final class Ops {
    static final int END = 0;
    /**
     * {@code len}, then the zig-zag distance of the source offset from the expected one: where the
     * previous operation left off, as if the target replaced the source in place.
     */
    static final int COPY = 1;
    /** {@code len}; its bytes follow the window's headers. */
    static final int LITERAL = 2;
    /** {@code len} zero bytes. */
    static final int ZERO = 3;
    /** {@code count} (1..{@link #WINDOW_OPS}) operation headers, then the bytes of their literals in order. */
    static final int WINDOW = 4;
    static final int WINDOW_OPS = 4096;
    /** The maker closes a window once its literals reach this size. */
    static final long WINDOW_LITERAL_BYTES = 1 << 20;

    private Ops() {}

    static void writeVarint(OutputStream out, long v) throws IOException {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static long readVarint(InputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new TrialbootException(Code.MALFORMED_INPUT, ".nxdelta operation stream ends inside a number");
            }
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, ".nxdelta number longer than 9 bytes");
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
