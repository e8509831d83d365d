package io.trialboot.delta;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZFormatException;

/**
 * Guest side: applies an {@code .nxdelta} reading the active slot and writing the inactive one,
 * streaming, with memory bounded independent of image size (one 1 MiB output buffer, one 1 MiB
 * copy buffer, the xz decoder's dictionary of at most {@link #DECODER_LIMIT_KIB} KiB).
 *
 * <p>Order of checks: the header must name exactly the base and target the signed release names;
 * the source device must hold the base (hashed before the first write, else
 * {@link Code#DELTA_BASE_MISMATCH}); every operation must stay inside both images and the bounds;
 * the stream must end exactly at the target size; the bytes written must hash to the target digest.
 */
public final class DeltaApplier {
    /** The largest xz dictionary the applier accepts (the maker uses 8 MiB). */
    public static final int DECODER_LIMIT_KIB = 16 * 1024;
    private static final int BUFFER = SlotDigests.BUFFER_BYTES;

    private DeltaApplier() {}

    /**
     * Applies {@code delta} and returns the digest of what was written (equal to
     * {@code expectedTarget}'s, or this throws {@link Code#APPLY_DIGEST_MISMATCH}). The target is
     * fsynced before returning.
     */
    public static Sha256 apply(InputStream delta, BlockDevice source, BlockDevice target, SlotImage expectedBase,
            SlotImage expectedTarget) throws IOException {
        InputStream in = new BufferedInputStream(delta, 1 << 16);
        DeltaHeader h = DeltaHeader.read(in);
        if (!h.source().equals(expectedBase)) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "delta applies to " + describe(h.source())
                    + ", the release names base " + describe(expectedBase));
        }
        if (!h.target().equals(expectedTarget)) {
            throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, "delta produces " + describe(h.target())
                    + ", the release names " + describe(expectedTarget));
        }
        Bounds.check("delta target image", h.target().size(), Bounds.SLOT_IMAGE_BYTES);
        if (h.target().size() > target.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "target image of " + h.target().size()
                    + " bytes does not fit " + target + " (" + target.size() + " bytes)");
        }
        if (h.source().size() > source.size()) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "base image of " + h.source().size()
                    + " bytes is larger than the active slot " + source);
        }
        Sha256 base = SlotDigests.digest(source, h.source().size());
        if (!base.equals(h.source().digest())) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the active slot holds " + base.shortHex()
                    + ", the delta applies to " + h.source().digest().shortHex() + "; nothing was written");
        }
        SingleXZInputStream ops;
        try {
            ops = new SingleXZInputStream(in, DECODER_LIMIT_KIB);
        } catch (MemoryLimitException e) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, ".nxdelta needs a " + e.getMemoryNeeded()
                    + " KiB decoder, over the bound of " + DECODER_LIMIT_KIB + " KiB");
        } catch (XZFormatException | CorruptedInputException
                | UnsupportedOptionsException | EOFException e) {
            // A stream header that is not xz, fails its CRC, names an unknown filter, or is cut short.
            throw DeltaHeader.malformed("operation stream is not xz: " + e);
        }
        Writer w = new Writer(source, target, h);
        try {
            w.run(ops);
        } catch (CorruptedInputException | UnsupportedOptionsException
                | EOFException e) {
            throw DeltaHeader.malformed("operation stream is corrupt or truncated: " + e);
        }
        if (in.read() != -1) {
            throw DeltaHeader.malformed("has bytes after the operation stream");
        }
        Sha256 written = new Sha256(w.md.digest());
        if (!written.equals(h.target().digest())) {
            throw new TrialbootException(Code.APPLY_DIGEST_MISMATCH, "delta produced " + written.shortHex()
                    + ", expected " + h.target().digest().shortHex());
        }
        return written;
    }

    private static String describe(SlotImage i) {
        return i.digest().shortHex() + " (" + i.size() + " bytes)";
    }

    /** Turns operations into sequential target writes. */
    private static final class Writer {
        final BlockDevice source;
        final BlockDevice target;
        final long srcSize;
        final long tgtSize;
        final MessageDigest md = Sha256.newDigest();
        final ByteBuffer outBuf = ByteBuffer.allocate(BUFFER);
        final ByteBuffer copyBuf = ByteBuffer.allocate(BUFFER);
        long written;
        long flushed;
        long nextSrc;
        long ops;

        Writer(BlockDevice source, BlockDevice target, DeltaHeader h) {
            this.source = source;
            this.target = target;
            this.srcSize = h.source().size();
            this.tgtSize = h.target().size();
        }

        private final int[] wOp = new int[Ops.WINDOW_OPS];
        private final long[] wLen = new long[Ops.WINDOW_OPS];
        private final long[] wArg = new long[Ops.WINDOW_OPS];

        void run(InputStream in) throws IOException {
            long planned = 0;
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
                for (int i = 0; i < count; i++) {
                    int o = in.read();
                    long len = Ops.readVarint(in);
                    if (len <= 0 || len > tgtSize - planned) {
                        throw DeltaHeader.malformed("operation of " + len + " bytes overruns the target at " + planned
                                + " of " + tgtSize);
                    }
                    planned += len;
                    wOp[i] = o;
                    wLen[i] = len;
                    switch (o) {
                        case Ops.COPY -> wArg[i] = Ops.unzigzag(Ops.readVarint(in));
                        case Ops.LITERAL -> Bounds.check(".nxdelta literal", len, Bounds.DELTA_MAX_LITERAL_BYTES);
                        case Ops.ZERO -> { }
                        default -> throw DeltaHeader.malformed(o < 0 ? "operation stream ends inside a window"
                                : "unknown operation " + o);
                    }
                }
                for (int i = 0; i < count; i++) {
                    switch (wOp[i]) {
                        case Ops.COPY -> copy(wArg[i], wLen[i]);
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
            target.sync();
        }

        private void copy(long distance, long len) {
            long from = nextSrc + distance;
            if (from < 0 || from > srcSize - len) {
                throw DeltaHeader.malformed("copy of " + len + " bytes from " + from + " is outside the "
                        + srcSize + "-byte base");
            }
            nextSrc = from + len;
            while (len > 0) {
                copyBuf.clear();
                copyBuf.limit((int) Math.min(Math.min(copyBuf.capacity(), outBuf.remaining()), len));
                source.read(from, copyBuf);
                copyBuf.flip();
                int n = copyBuf.remaining();
                put(copyBuf);
                from += n;
                len -= n;
            }
        }

        private void literal(InputStream in, long len) throws IOException {
            nextSrc += len;
            while (len > 0) {
                int n = in.readNBytes(outBuf.array(), outBuf.position(), (int) Math.min(outBuf.remaining(), len));
                if (n == 0) {
                    throw DeltaHeader.malformed("operation stream ends inside a literal");
                }
                outBuf.position(outBuf.position() + n);
                written += n;
                len -= n;
                if (!outBuf.hasRemaining()) {
                    flush();
                }
            }
        }

        private void zero(long len) {
            nextSrc += len;
            while (len > 0) {
                int n = (int) Math.min(outBuf.remaining(), len);
                Arrays.fill(outBuf.array(), outBuf.position(), outBuf.position() + n, (byte) 0);
                outBuf.position(outBuf.position() + n);
                written += n;
                len -= n;
                if (!outBuf.hasRemaining()) {
                    flush();
                }
            }
        }

        private void put(ByteBuffer b) {
            written += b.remaining();
            outBuf.put(b);
            if (!outBuf.hasRemaining()) {
                flush();
            }
        }

        private void flush() {
            outBuf.flip();
            md.update(outBuf.array(), 0, outBuf.limit());
            target.write(flushed, outBuf);
            flushed += outBuf.limit();
            outBuf.clear();
        }
    }
}
