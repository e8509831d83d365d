package io.trialboot.delta.maker;

import io.trialboot.delta.Ops;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Host tool, the second half of {@link DeltaMaker}: turns the exact matches of {@link MatchScan}
 * into operations and writes them in windows (see {@code docs/delta.md}).
 *
 * <p>The bytes between two matches (a gap) are filled the way bsdiff fills them: the previous copy
 * is extended forwards and the next one backwards <em>approximately</em>, as long as at least half
 * of the bytes agree, and the extensions become ADD operations whose data (target minus source) is
 * mostly zeros, which the LZMA2 stream all but erases; only what is left between them is LITERAL.
 * A small edit inside a copied run thus costs a few bytes of ADD data instead of a new block.
 */
final class OpEncoder implements MatchScan.Sink {
    /**
     * Literals this long (and runs of them) get LZMA2 chunks of their own: usually already-compressed
     * data, which LZMA2 then stores as it is instead of coding it, slightly larger, among compressible bytes.
     */
    private static final int OWN_CHUNK = 64 * 1024;
    private final ByteBuffer src;
    private final ByteBuffer tgt;
    private final OutputStream out;
    private final Runnable endChunk;
    private final int srcN;
    private int done; // target bytes covered by operations so far
    private long nextSrc; // where a copy continuing in place would read next

    // The open window: operations, their lengths and their arguments (distance, or the target offset of data).
    private final int[] wOp = new int[Ops.WINDOW_OPS];
    private final long[] wLen = new long[Ops.WINDOW_OPS];
    private final long[] wDist = new long[Ops.WINDOW_OPS];
    private final int[] wAt = new int[Ops.WINDOW_OPS];
    private final int[] wFrom = new int[Ops.WINDOW_OPS];
    private int wCount;
    private long wData;

    final long[] opCount = new long[Ops.ADD + 1];
    final long[] opBytes = new long[Ops.ADD + 1];

    /** {@code endChunk} ends the current LZMA2 chunk of {@code out}. */
    OpEncoder(ByteBuffer src, ByteBuffer tgt, OutputStream out, Runnable endChunk) {
        this.src = src;
        this.tgt = tgt;
        this.out = out;
        this.endChunk = endChunk;
        this.srcN = src.capacity();
    }

    @Override
    public void match(int t, int s, int len) throws IOException {
        gap(t, s);
        add(Ops.COPY, t, s, len);
        done = t + len;
    }

    @Override
    public void zeros(int t, int len) throws IOException {
        gap(t, -1);
        add(Ops.ZERO, t, 0, len);
        done = t + len;
    }

    /** Covers the rest of the target and writes END. */
    void finish() throws IOException {
        gap(tgt.capacity(), -1);
        flushWindow();
        out.write(Ops.END);
    }

    /** Fills target bytes {@code [done, t)}; {@code s} is where the next match starts in the source, or -1. */
    private void gap(int t, int s) throws IOException {
        int g = t - done;
        if (g <= 0) {
            return;
        }
        int from = (int) Math.min(Math.max(nextSrc, 0), srcN);
        int lenf = forward(from, done, Math.min(g, srcN - from));
        int lenb = s < 0 ? 0 : backward(s, t, Math.min(g, s));
        if (lenf + lenb > g) { // overlapping: split where the two sides' agreement balances best
            int overlap = lenf + lenb - g;
            int score = 0;
            int best = 0;
            int cut = 0;
            for (int i = 0; i < overlap; i++) {
                int ti = t - lenb + i;
                if (tgt.get(ti) == src.get(from + (ti - done))) {
                    score++;
                }
                if (tgt.get(ti) == src.get(s - lenb + i)) {
                    score--;
                }
                if (score > best) {
                    best = score;
                    cut = i + 1;
                }
            }
            lenf += cut - overlap;
            lenb -= cut;
        }
        if (lenf > 0) {
            add(Ops.ADD, done, from, lenf);
        }
        if (g - lenf - lenb > 0) {
            add(Ops.LITERAL, done + lenf, 0, g - lenf - lenb);
        }
        if (lenb > 0) {
            add(Ops.ADD, t - lenb, s - lenb, lenb);
        }
    }

    /** How far from target {@code t} and source {@code s} a copy pays off forwards: the best of 2 × agreeing − length. */
    private int forward(int s, int t, int max) {
        int agree = 0;
        int best = 0;
        int len = 0;
        for (int i = 0; i < max; i++) {
            if (src.get(s + i) == tgt.get(t + i)) {
                agree++;
            }
            if (2 * agree - (i + 1) > best) {
                best = 2 * agree - (i + 1);
                len = i + 1;
            }
        }
        return len;
    }

    /** Like {@link #forward}, backwards from (excluding) target {@code t} and source {@code s}. */
    private int backward(int s, int t, int max) {
        int agree = 0;
        int best = 0;
        int len = 0;
        for (int i = 1; i <= max; i++) {
            if (src.get(s - i) == tgt.get(t - i)) {
                agree++;
            }
            if (2 * agree - i > best) {
                best = 2 * agree - i;
                len = i;
            }
        }
        return len;
    }

    /** Adds one operation covering target {@code [t, t + len)}; {@code s} is the source offset of COPY and ADD. */
    private void add(int op, int t, int s, long len) throws IOException {
        for (long off = 0; off < len; ) {
            long n = op == Ops.LITERAL || op == Ops.ADD ? Math.min(len - off, Ops.WINDOW_DATA_BYTES) : len;
            wOp[wCount] = op;
            wLen[wCount] = n;
            wAt[wCount] = (int) (t + off);
            wFrom[wCount] = (int) (s + off);
            if (op == Ops.COPY || op == Ops.ADD) {
                wDist[wCount] = Ops.zigzag(s + off - nextSrc);
                nextSrc = s + off + n;
            } else {
                nextSrc += n;
            }
            if (op == Ops.LITERAL || op == Ops.ADD) {
                wData += n;
            }
            opCount[op]++;
            opBytes[op] += n;
            wCount++;
            off += n;
            if (wCount == Ops.WINDOW_OPS || wData >= Ops.WINDOW_DATA_BYTES) {
                flushWindow();
            }
        }
    }

    private void flushWindow() throws IOException {
        if (wCount == 0) {
            return;
        }
        // Ending the LZMA2 chunk before and after the headers gives them chunks of their own, which
        // compress, apart from the literal bytes.
        endChunk.run();
        out.write(Ops.WINDOW);
        Ops.writeVarint(out, wCount);
        for (int i = 0; i < wCount; i++) {
            out.write(wOp[i]);
        }
        for (int i = 0; i < wCount; i++) {
            Ops.writeVarint(out, wLen[i]);
        }
        for (int i = 0; i < wCount; i++) {
            if (wOp[i] == Ops.COPY || wOp[i] == Ops.ADD) {
                Ops.writeVarint(out, wDist[i]);
            }
        }
        if (wData > 0) {
            endChunk.run();
        }
        byte[] chunk = new byte[(int) Math.max(1, wData)];
        boolean inLong = false;
        for (int i = 0; i < wCount; i++) {
            int n = (int) wLen[i];
            boolean isLong = wOp[i] == Ops.LITERAL && n >= OWN_CHUNK;
            if (isLong != inLong && (wOp[i] == Ops.LITERAL || wOp[i] == Ops.ADD)) {
                endChunk.run();
                inLong = isLong;
            }
            if (wOp[i] == Ops.LITERAL) {
                tgt.get(wAt[i], chunk, 0, n);
                out.write(chunk, 0, n);
            } else if (wOp[i] == Ops.ADD) {
                for (int k = 0; k < n; k++) {
                    chunk[k] = (byte) (tgt.get(wAt[i] + k) - src.get(wFrom[i] + k));
                }
                out.write(chunk, 0, n);
            }
        }
        wCount = 0;
        wData = 0;
    }
}
