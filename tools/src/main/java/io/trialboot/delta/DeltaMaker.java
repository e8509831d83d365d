package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotImage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Host tool: makes a raw-image {@code .nxdelta} from two slot images (see {@code docs/delta.md}).
 *
 * <p>Every {@code blockSize}-aligned block of the source is indexed by a polynomial hash; the
 * target is scanned with the same hash rolled one byte at a time, so a match is found at any target
 * offset, however the data moved. A candidate is checked byte for byte and then extended forwards
 * and backwards, so matches also start and end at any source offset. Runs of zeros become ZERO
 * operations; what matches nothing becomes LITERAL data. The operation stream is compressed as one
 * xz stream with a dictionary small enough for the guest's applier.
 */
public final class DeltaMaker {
    /** Default block size: small enough to catch short moved runs, large enough for few false candidates. */
    public static final int DEFAULT_BLOCK = 64;
    /** xz dictionary of the operation stream: bounds the applier's decoder memory (≈ this + 1 MiB). */
    public static final int DICT_BYTES = 8 << 20;
    private static final long MUL = 0x100000001B3L;
    private static final int LITERAL_CHUNK = 1 << 20;

    private final int block;
    private final int preset;

    public DeltaMaker(int blockSize, int xzPreset) {
        if (blockSize < 16 || blockSize > 1 << 20) {
            throw new IllegalArgumentException("block size must be 16..1 MiB: " + blockSize);
        }
        if (xzPreset < 0 || xzPreset > 9) {
            throw new IllegalArgumentException("xz preset must be 0..9: " + xzPreset);
        }
        this.block = blockSize;
        this.preset = xzPreset;
    }

    public DeltaMaker() {
        this(DEFAULT_BLOCK, 6);
    }

    /** What a delta is made of, for the tool's output and the benchmarks. */
    public record Stats(SlotImage source, SlotImage target, long copyOps, long copyBytes, long literalOps,
            long literalBytes, long zeroOps, long zeroBytes) {}

    /** Writes the delta turning {@code source} into {@code target} to {@code out}. */
    public Stats make(Path source, Path target, OutputStream out) throws IOException {
        try (FileChannel sc = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel tc = FileChannel.open(target, StandardOpenOption.READ)) {
            MappedByteBuffer src = map(sc, source);
            MappedByteBuffer tgt = map(tc, target);
            SlotImage si = new SlotImage(digest(src), src.capacity());
            SlotImage ti = new SlotImage(digest(tgt), tgt.capacity());
            out.write(new DeltaHeader(block, si, ti).encode());
            LZMA2Options opts = new LZMA2Options(preset);
            opts.setDictSize(Math.min(opts.getDictSize(), DICT_BYTES));
            XZOutputStream xz = new XZOutputStream(new NonClosing(out), opts);
            Scan scan = new Scan(src, tgt, new Counting(xz));
            scan.run();
            xz.finish();
            out.flush();
            return new Stats(si, ti, scan.copyOps, scan.copyBytes, scan.literalOps, scan.literalBytes, scan.zeroOps,
                    scan.zeroBytes);
        }
    }

    private static MappedByteBuffer map(FileChannel ch, Path p) throws IOException {
        long size = ch.size();
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, p + " is " + size
                    + " bytes; the delta maker takes images of 1 byte to 2 GiB");
        }
        return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }

    private static Sha256 digest(MappedByteBuffer b) {
        MessageDigest md = Sha256.newDigest();
        md.update(b.duplicate().clear());
        return new Sha256(md.digest());
    }

    /** One pass over the target. */
    private final class Scan {
        final MappedByteBuffer src;
        final MappedByteBuffer tgt;
        final Counting out;
        final int srcN;
        final int tgtN;
        final long pow; // MUL^(block-1), to roll the oldest byte out
        final long zeroHash;
        final int[] slots; // block index + 1, 0 = empty
        final long[] hashes;
        final int shift;
        /** A 512 KiB bit filter over the indexed hashes: most target positions miss, without touching the big table. */
        final long[] filter = new long[1 << 16];
        long nextSrc;
        long copyOps, copyBytes, literalOps, literalBytes, zeroOps, zeroBytes;

        Scan(MappedByteBuffer src, MappedByteBuffer tgt, Counting out) {
            this.src = src;
            this.tgt = tgt;
            this.out = out;
            this.srcN = src.capacity();
            this.tgtN = tgt.capacity();
            long p = 1;
            for (int i = 1; i < block; i++) {
                p *= MUL;
            }
            this.pow = p;
            long z = 0;
            for (int i = 0; i < block; i++) {
                z = z * MUL;
            }
            this.zeroHash = z;
            int blocks = srcN / block;
            int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, blocks * 2 - 1));
            this.slots = new int[1 << bits];
            this.hashes = new long[1 << bits];
            this.shift = 64 - bits;
            index(blocks);
        }

        private long hashAt(MappedByteBuffer b, int off) {
            long h = 0;
            for (int i = 0; i < block; i++) {
                h = h * MUL + (b.get(off + i) & 0xff);
            }
            return h;
        }

        private int bucket(long h) {
            return (int) ((h * 0x9E3779B97F4A7C15L) >>> shift);
        }

        private void index(int blocks) {
            int mask = slots.length - 1;
            for (int i = 0; i < blocks; i++) {
                long h = hashAt(src, i * block);
                if (h == zeroHash && isZero(src, i * block, block)) {
                    continue;
                }
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

        private int filterBit(long h) {
            return (int) ((h * 0xC2B2AE3D27D4EB4FL) >>> 42);
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

        private boolean isZero(MappedByteBuffer b, int off, int len) {
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

        void run() throws IOException {
            int p = 0;
            int lit = 0;
            if (srcN >= block) {
                long h = tgtN >= block ? hashAt(tgt, 0) : 0;
                while (p + block <= tgtN) {
                    if (h == zeroHash && isZero(tgt, p, block)) {
                        int end = p + block;
                        while (end < tgtN && tgt.get(end) == 0) {
                            end++;
                        }
                        literal(lit, p);
                        zero(end - p);
                        p = end;
                        lit = p;
                        if (p + block <= tgtN) {
                            h = hashAt(tgt, p);
                        }
                        continue;
                    }
                    int cand = lookup(h);
                    if (cand >= 0) {
                        int s = cand * block;
                        if (common(s, p, block) == block) {
                            int back = 0;
                            while (p - back > lit && s - back > 0 && src.get(s - back - 1) == tgt.get(p - back - 1)) {
                                back++;
                            }
                            int fwd = block + common(s + block, p + block, Math.min(srcN - s, tgtN - p) - block);
                            literal(lit, p - back);
                            copy(s - back, back + fwd);
                            p += fwd;
                            lit = p;
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
            literal(lit, tgtN);
            flushWindow();
            out.write(Ops.END);
        }

        // Operations are grouped in windows: the window's headers first, then its literal bytes,
        // so the (compressible) headers sit together in the xz stream and the literal bytes,
        // usually already compressed data, do not break them up.
        private final long[] wOp = new long[Ops.WINDOW_OPS];
        private final long[] wLen = new long[Ops.WINDOW_OPS];
        private final long[] wArg = new long[Ops.WINDOW_OPS];
        private int wCount;
        private long wLiteral;

        private void add(int op, long len, long arg) throws IOException {
            wOp[wCount] = op;
            wLen[wCount] = len;
            wArg[wCount] = arg;
            wCount++;
            if (op == Ops.LITERAL) {
                wLiteral += len;
            }
            if (wCount == Ops.WINDOW_OPS || wLiteral >= Ops.WINDOW_LITERAL_BYTES) {
                flushWindow();
            }
        }

        /** Ends the current LZMA2 chunk; xz-java must not be flushed twice with nothing written between. */
        private void endChunk() throws IOException {
            if (out.count() != flushedAt) {
                out.flush();
                flushedAt = out.count();
            }
        }

        private long flushedAt;

        void flushWindow() throws IOException {
            if (wCount == 0) {
                return;
            }
            // Flushing the xz stream ends an LZMA2 chunk: the headers get a chunk of their own, which
            // compresses, while chunks of incompressible literal bytes are stored as they are.
            endChunk();
            out.write(Ops.WINDOW);
            Ops.writeVarint(out, wCount);
            for (int i = 0; i < wCount; i++) {
                out.write((int) wOp[i]);
                Ops.writeVarint(out, wLen[i]);
                if (wOp[i] == Ops.COPY) {
                    Ops.writeVarint(out, wArg[i]);
                }
            }
            if (wLiteral > 0) {
                endChunk();
            }
            byte[] chunk = new byte[(int) Math.min(LITERAL_CHUNK, Math.max(1, wLiteral))];
            for (int i = 0; i < wCount; i++) {
                if (wOp[i] != Ops.LITERAL) {
                    continue;
                }
                for (long off = wArg[i], end = wArg[i] + wLen[i]; off < end; ) {
                    int n = (int) Math.min(chunk.length, end - off);
                    tgt.get((int) off, chunk, 0, n);
                    out.write(chunk, 0, n);
                    off += n;
                }
            }
            wCount = 0;
            wLiteral = 0;
        }

        private void copy(long from, long len) throws IOException {
            add(Ops.COPY, len, Ops.zigzag(from - nextSrc));
            nextSrc = from + len;
            copyOps++;
            copyBytes += len;
        }

        private void zero(long len) throws IOException {
            add(Ops.ZERO, len, 0);
            nextSrc += len;
            zeroOps++;
            zeroBytes += len;
        }

        private void literal(int from, int to) throws IOException {
            for (int off = from; off < to; off += LITERAL_CHUNK) {
                int len = Math.min(LITERAL_CHUNK, to - off);
                add(Ops.LITERAL, len, off);
                nextSrc += len;
                literalOps++;
                literalBytes += len;
            }
        }
    }

    /** Counts what goes into the xz stream. */
    private static final class Counting extends FilterOutputStream {
        private long count;

        Counting(OutputStream out) {
            super(out);
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** Lets the xz stream finish without closing the caller's stream. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
