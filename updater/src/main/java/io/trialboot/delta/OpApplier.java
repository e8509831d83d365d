package io.trialboot.delta;

import io.trialboot.core.Bounds;
import io.trialboot.device.BlockDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Guest side: runs the operation stream of an {@code .nxdelta} (see {@code docs/delta.md}),
 * writing the target strictly sequentially from offset 0 through one output buffer. Every window
 * is checked whole (count, operation codes, lengths inside the target, copies inside the base)
 * before its first operation runs. A data-only delta's buffers feed its {@link DataTree} as they
 * are written, each with the blocks in it that one COPY took whole from an aligned base block.
 */
final class OpApplier {
    private static final int BLOCK = DataTree.BLOCK;
    private final BaseReader base;
    private final BlockDevice target;
    private final Optional<DataTree> tree;
    /** For each block of the output buffer, the base block one COPY took it from whole, or -1; null: not tracked. */
    private final int[] leafFrom;
    private final long srcSize;
    private final long tgtSize;
    private final ByteBuffer out;
    private final byte[] scratch;
    private final int[] wOp = new int[Ops.WINDOW_OPS];
    private final long[] wLen = new long[Ops.WINDOW_OPS];
    private final long[] wFrom = new long[Ops.WINDOW_OPS];
    private long written;
    private long flushed;
    private long ops;

    /** {@code buffer} is a multiple of the block size, so each buffer starts at a block boundary of the target. */
    OpApplier(BaseReader base, long srcSize, BlockDevice target, Optional<DataTree> tree, long tgtSize, int buffer) {
        this.base = base;
        this.srcSize = srcSize;
        this.target = target;
        this.tree = tree;
        this.tgtSize = tgtSize;
        this.out = ByteBuffer.allocate((int) Math.min(buffer, tgtSize));
        this.scratch = new byte[out.capacity()];
        this.leafFrom = tree.filter(DataTree::reusesLeaves).map(t -> new int[out.capacity() / BLOCK]).orElse(null);
        if (leafFrom != null) {
            Arrays.fill(leafFrom, -1);
        }
    }

    /** Runs windows up to END and writes the last buffer (the caller fsyncs). */
    void run(InputStream in) throws IOException {
        long planned = 0;
        long nextSrc = 0;
        while (true) {
            int op = in.read();
            if (op == Ops.END) {
                break;
            }
            if (op != Ops.WINDOW) {
                throw DeltaHeader.malformed(op < 0 ? "operation stream ends without END"
                        : "expected a window, found byte " + op);
            }
            long count = Ops.readVarint(in);
            if (count < 1 || count > Ops.WINDOW_OPS) {
                throw DeltaHeader.malformed("window of " + count + " operations (1.." + Ops.WINDOW_OPS + ")");
            }
            ops += count;
            Bounds.check(".nxdelta operation count", ops, Bounds.DELTA_MAX_OPS);
            int n = (int) count;
            for (int i = 0; i < n; i++) {
                int o = in.read();
                if (o != Ops.COPY && o != Ops.LITERAL && o != Ops.ZERO && o != Ops.ADD) {
                    throw DeltaHeader.malformed(o < 0 ? "operation stream ends inside a window" : "unknown operation " + o);
                }
                wOp[i] = o;
            }
            for (int i = 0; i < n; i++) {
                long len = Ops.readVarint(in);
                if (len <= 0 || len > tgtSize - planned) {
                    throw DeltaHeader.malformed("operation of " + len + " bytes overruns the target at " + planned
                            + " of " + tgtSize);
                }
                if (wOp[i] == Ops.LITERAL || wOp[i] == Ops.ADD) {
                    Bounds.check(".nxdelta operation data", len, Bounds.DELTA_MAX_LITERAL_BYTES);
                }
                planned += len;
                wLen[i] = len;
            }
            for (int i = 0; i < n; i++) {
                if (wOp[i] == Ops.COPY || wOp[i] == Ops.ADD) {
                    long from = nextSrc + Ops.unzigzag(Ops.readVarint(in));
                    if (from < 0 || from > srcSize - wLen[i]) {
                        throw DeltaHeader.malformed("copy of " + wLen[i] + " bytes from " + from + " is outside the "
                                + srcSize + "-byte base");
                    }
                    wFrom[i] = from;
                    nextSrc = from + wLen[i];
                } else {
                    nextSrc += wLen[i];
                }
            }
            for (int i = 0; i < n; i++) {
                switch (wOp[i]) {
                    case Ops.COPY -> copy(wFrom[i], wLen[i], null);
                    case Ops.ADD -> copy(wFrom[i], wLen[i], in);
                    case Ops.LITERAL -> literal(in, wLen[i]);
                    default -> zero(wLen[i]);
                }
            }
        }
        if (written != tgtSize) {
            throw DeltaHeader.malformed("ends at " + written + " of " + tgtSize + " target bytes");
        }
        if (in.read() != -1) {
            throw DeltaHeader.malformed("has operations after END");
        }
        flush();
    }

    /** Copies base bytes; with {@code add}, adds to each the next byte of the window's data. */
    private void copy(long from, long len, InputStream add) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(out.remaining(), len);
            int at = out.position();
            ByteBuffer part = out.duplicate();
            part.limit(at + n);
            base.read(from, part);
            if (add == null) {
                wholeBlocks(from, n);
            } else {
                data(add, n);
                byte[] a = out.array();
                for (int k = 0; k < n; k++) {
                    a[at + k] += scratch[k];
                }
            }
            advance(n);
            from += n;
            len -= n;
        }
    }

    /**
     * Notes the target blocks wholly inside the {@code n} bytes just copied from base offset
     * {@code from} to the target's {@code written}, when the copy keeps block alignment.
     */
    private void wholeBlocks(long from, int n) {
        long shift = from - written;
        if (leafFrom == null || shift % BLOCK != 0) {
            return;
        }
        for (long t = (written + BLOCK - 1) / BLOCK * BLOCK; t + BLOCK <= written + n; t += BLOCK) {
            leafFrom[(int) ((t - flushed) / BLOCK)] = (int) ((t + shift) / BLOCK);
        }
    }

    private void literal(InputStream in, long len) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(out.remaining(), len);
            data(in, n);
            out.put(scratch, 0, n);
            written += n;
            len -= n;
            if (!out.hasRemaining()) {
                flush();
            }
        }
    }

    /** Reads exactly {@code n} bytes of window data into the scratch buffer. */
    private void data(InputStream in, int n) throws IOException {
        if (in.readNBytes(scratch, 0, n) != n) {
            throw DeltaHeader.malformed("operation stream ends inside the data of an operation");
        }
    }

    private void zero(long len) {
        while (len > 0) {
            int n = (int) Math.min(out.remaining(), len);
            Arrays.fill(out.array(), out.position(), out.position() + n, (byte) 0);
            advance(n);
            len -= n;
        }
    }

    private void advance(int n) {
        out.position(out.position() + n);
        written += n;
        if (!out.hasRemaining()) {
            flush();
        }
    }

    private void flush() {
        out.flip();
        tree.ifPresent(t -> t.written(out.array(), out.limit(), leafFrom));
        target.write(flushed, out);
        flushed += out.limit();
        out.clear();
        if (leafFrom != null) {
            Arrays.fill(leafFrom, -1);
        }
    }
}
