package io.trialboot.delta.maker;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.Ops;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;

/**
 * Host tool: makes a raw-image {@code .nxdelta} (format version 3) from two slot images (see
 * {@code docs/delta.md}): {@link MatchScan} finds the exact matches at any offset, {@link OpEncoder}
 * fills the bytes between them with approximate (ADD) and literal operations and writes the
 * operation stream, compressed as one raw LZMA2 stream with a dictionary small enough for the
 * guest's applier.
 */
public final class DeltaMaker {
    /** Default block size: small enough to catch short moved runs, large enough for few false candidates. */
    public static final int DEFAULT_BLOCK = 16;
    /** LZMA2 dictionary of the operation stream: bounds the applier's decoder memory (≈ this + 1 MiB). */
    public static final int DICT_BYTES = 8 << 20;

    private final int block;
    private final int preset;

    public DeltaMaker(int blockSize, int lzmaPreset) {
        if (blockSize < 16 || blockSize > 1 << 20) {
            throw new IllegalArgumentException("block size must be 16..1 MiB: " + blockSize);
        }
        if (lzmaPreset < 0 || lzmaPreset > 9) {
            throw new IllegalArgumentException("LZMA2 preset must be 0..9: " + lzmaPreset);
        }
        this.block = blockSize;
        this.preset = lzmaPreset;
    }

    public DeltaMaker() {
        this(DEFAULT_BLOCK, 9);
    }

    /** What a delta is made of, for the tool's output and the benchmarks. */
    public record Stats(SlotImage source, SlotImage target, long copyOps, long copyBytes, long addOps, long addBytes,
            long literalOps, long literalBytes, long zeroOps, long zeroBytes) {}

    /**
     * Writes the delta turning {@code source} into {@code target} to {@code out}. When the target
     * carries its dm-verity tree ({@link VerityImage#read}), the delta makes its data only: the
     * device rebuilds the tree. When the source carries one, the operations copy from its data
     * only: the device reads them through the active slot's verity mapping, which ends where the
     * tree starts (docs/delta.md).
     */
    public Stats make(Path source, Path target, OutputStream out) throws IOException {
        Optional<VerityParams> verity = VerityImage.read(target);
        Optional<VerityParams> sourceVerity = VerityImage.read(source);
        try (FileChannel sc = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel tc = FileChannel.open(target, StandardOpenOption.READ)) {
            MappedByteBuffer base = map(sc, source);
            MappedByteBuffer whole = map(tc, target);
            SlotImage si = new SlotImage(digest(base), base.capacity());
            ByteBuffer src = base.slice(0, Math.toIntExact(sourceVerity.map(VerityParams::treeOffset)
                    .orElse((long) base.capacity())));
            SlotImage ti = new SlotImage(digest(whole), whole.capacity());
            ByteBuffer tgt = whole.slice(0, Math.toIntExact(verity.map(VerityParams::treeOffset).orElse((long) whole.capacity())));
            LZMA2Options opts = new LZMA2Options(preset);
            opts.setDictSize(Math.min(opts.getDictSize(), DICT_BYTES));
            opts.setNiceLen(LZMA2Options.NICE_LEN_MAX);
            out.write(new DeltaHeader(opts.getDictSize(), si, src.capacity(), ti, verity.isPresent()).encode());
            FinishableOutputStream lzma = opts.getOutputStream(new FinishableWrapperOutputStream(out));
            Chunked chunked = new Chunked(lzma);
            OpEncoder enc = new OpEncoder(src, tgt, chunked, chunked::endChunk);
            new MatchScan(src, tgt, block).run(enc);
            enc.finish();
            lzma.finish();
            out.flush();
            return new Stats(si, ti, enc.opCount[Ops.COPY], enc.opBytes[Ops.COPY], enc.opCount[Ops.ADD],
                    enc.opBytes[Ops.ADD], enc.opCount[Ops.LITERAL], enc.opBytes[Ops.LITERAL], enc.opCount[Ops.ZERO],
                    enc.opBytes[Ops.ZERO]);
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

    /** Counts what goes into the LZMA2 stream, so a chunk is ended only when something was written since the last end. */
    private static final class Chunked extends FilterOutputStream {
        private long count;
        private long endedAt;

        Chunked(OutputStream out) {
            super(out);
        }

        /** Ends the current LZMA2 chunk; xz-java must not be flushed twice with nothing written between. */
        void endChunk() {
            if (count != endedAt) {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                endedAt = count;
            }
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
}
