package io.trialboot.delta.maker;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Host tool, the first half of {@link DeltaMaker}: finds the exact matches between the target and
 * the source, in target order. Each {@code block}-byte block of the source at a multiple of
 * {@code block} is indexed by a polynomial hash (blocks of zeros are not); the target is scanned
 * with the same hash rolled one byte at a time, so a block is found at any target offset. A
 * candidate is compared byte for byte (the source offset where the last match would continue is
 * tried first, as it costs no distance), then extended backwards (not past the previous match) and
 * forwards as far as the bytes agree. Runs of at least {@code block} zero bytes are reported apart.
 */
final class MatchScan {
    /** Receives the matches in target order; what lies between two of them is the receiver's to fill. */
    interface Sink {
        void match(int t, int s, int len) throws IOException;

        void zeros(int t, int len) throws IOException;
    }

    private static final long MUL = 0x100000001B3L;

    private final ByteBuffer src;
    private final ByteBuffer tgt;
    private final int block;
    private final int srcN;
    private final int tgtN;
    private final long pow; // MUL^(block-1), to roll the oldest byte out
    private final int[] slots; // block index + 1, 0 = empty
    private final long[] hashes;
    private final int shift;
    /** A 512 KiB bit filter over the indexed hashes: most target positions miss without touching the big table. */
    private final long[] filter = new long[1 << 16];

    MatchScan(ByteBuffer src, ByteBuffer tgt, int block) {
        this.src = src;
        this.tgt = tgt;
        this.block = block;
        this.srcN = src.capacity();
        this.tgtN = tgt.capacity();
        long p = 1;
        for (int i = 1; i < block; i++) {
            p *= MUL;
        }
        this.pow = p;
        int blocks = srcN / block;
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, blocks * 2 - 1));
        this.slots = new int[1 << bits];
        this.hashes = new long[1 << bits];
        this.shift = 64 - bits;
        index(blocks);
    }

    private long hashAt(ByteBuffer b, int off) {
        long h = 0;
        for (int i = 0; i < block; i++) {
            h = h * MUL + (b.get(off + i) & 0xff);
        }
        return h;
    }

    private int bucket(long h) {
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private static int filterBit(long h) {
        return (int) ((h * 0xC2B2AE3D27D4EB4FL) >>> 42);
    }

    private void index(int blocks) {
        int mask = slots.length - 1;
        for (int i = 0; i < blocks; i++) {
            if (isZero(src, i * block, block)) {
                continue;
            }
            long h = hashAt(src, i * block);
            int s = bucket(h);
            while (slots[s] != 0 && hashes[s] != h) {
                s = (s + 1) & mask;
            }
            if (slots[s] == 0) {
                slots[s] = i + 1;
                hashes[s] = h;
                int f = filterBit(h);
                filter[f >>> 6] |= 1L << f;
            }
        }
    }

    private int lookup(long h) {
        int f = filterBit(h);
        if ((filter[f >>> 6] & (1L << f)) == 0) {
            return -1;
        }
        int mask = slots.length - 1;
        for (int s = bucket(h); slots[s] != 0; s = (s + 1) & mask) {
            if (hashes[s] == h) {
                return slots[s] - 1;
            }
        }
        return -1;
    }

    static boolean isZero(ByteBuffer b, int off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if (b.getLong(off + i) != 0) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (b.get(off + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Length of equal bytes from {@code s} in the source and {@code t} in the target, up to {@code max}. */
    private int common(int s, int t, int max) {
        int i = 0;
        for (; i + 8 <= max; i += 8) {
            if (src.getLong(s + i) != tgt.getLong(t + i)) {
                break;
            }
        }
        while (i < max && src.get(s + i) == tgt.get(t + i)) {
            i++;
        }
        return i;
    }

    /** One pass over the target. */
    void run(Sink sink) throws IOException {
        if (srcN < block) {
            return;
        }
        int p = 0;
        int done = 0; // end of the last match or zero run
        int diagonal = 0; // source minus target offset of the last match
        long h = tgtN >= block ? hashAt(tgt, 0) : 0;
        while (p + block <= tgtN) {
            if (tgt.get(p) == 0 && isZero(tgt, p, block)) {
                int end = p + block;
                while (end < tgtN && tgt.get(end) == 0) {
                    end++;
                }
                sink.zeros(p, end - p);
                p = done = end;
                if (p + block <= tgtN) {
                    h = hashAt(tgt, p);
                }
                continue;
            }
            int cand = lookup(h);
            if (cand >= 0) {
                int s = cand * block;
                int inPlace = p + diagonal;
                if (inPlace >= 0 && inPlace <= srcN - block && common(inPlace, p, block) == block) {
                    s = inPlace; // the same bytes where the last match would continue: no distance to pay
                }
                if (common(s, p, block) == block) {
                    int back = 0;
                    while (p - back > done && s - back > 0 && src.get(s - back - 1) == tgt.get(p - back - 1)) {
                        back++;
                    }
                    int fwd = block + common(s + block, p + block, Math.min(srcN - s, tgtN - p) - block);
                    sink.match(p - back, s - back, back + fwd);
                    diagonal = s - p;
                    p = done = p + fwd;
                    if (p + block <= tgtN) {
                        h = hashAt(tgt, p);
                    }
                    continue;
                }
            }
            if (p + block >= tgtN) {
                break;
            }
            h = (h - (tgt.get(p) & 0xff) * pow) * MUL + (tgt.get(p + block) & 0xff);
            p++;
        }
    }
}
