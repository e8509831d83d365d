package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Operation codes of the {@code .nxdelta} stream and its LEB128 varints. */
final class Ops {
    static final int END = 0;
    /** {@code len}, then the zig-zag distance of the source offset from where the last copy ended. */
    static final int COPY = 1;
    /** {@code len}, then {@code len} bytes. */
    static final int LITERAL = 2;
    /** {@code len} zero bytes. */
    static final int ZERO = 3;

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
