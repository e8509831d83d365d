package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Operation codes of the {@code .nxdelta} stream (format version 3) and its LEB128 varints: the one
 * home of the format's vocabulary, for the maker, the applier and the hand-made hostile inputs.
 */
public final class Ops {
    public static final int END = 0;
    /**
     * {@code len}, then the zig-zag distance of the source offset from the expected one: where the
     * previous operation left off, as if the target replaced the source in place.
     */
    public static final int COPY = 1;
    /** {@code len}; its bytes are the window's data. */
    public static final int LITERAL = 2;
    /** {@code len} zero bytes. */
    public static final int ZERO = 3;
    /**
     * A window: {@code count} (1..{@link #WINDOW_OPS}), that many operation bytes, that many
     * lengths, the distance of each COPY and ADD, then the data of its LITERAL and ADD operations in order.
     */
    public static final int WINDOW = 4;
    /**
     * {@code len} and a distance like COPY; its data is {@code len} bytes each added (mod 256) to
     * the source byte: a copy with a few bytes changed, whose data is mostly zeros.
     */
    public static final int ADD = 5;
    public static final int WINDOW_OPS = 4096;
    /** The maker closes a window once its data (literal and ADD bytes) reach this size. */
    public static final long WINDOW_DATA_BYTES = 1 << 20;

    private Ops() {}

    public static void writeVarint(OutputStream out, long v) throws IOException {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    public static long readVarint(InputStream in) throws IOException {
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

    public static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    public static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
