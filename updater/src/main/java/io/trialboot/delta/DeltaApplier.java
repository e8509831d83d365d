package io.trialboot.delta;

import io.trialboot.apply.CheckedWrite;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.LZMA2InputStream;
import org.tukaani.xz.UnsupportedOptionsException;

/**
 * Guest side: applies an {@code .nxdelta} (format version 3) reading the active slot and writing
 * the inactive one, streaming, with memory bounded independent of image size: the delta file (at
 * most {@link Bounds#DELTA_BYTES}), one base chunk, one output buffer and the LZMA2 dictionary (at
 * most {@link #DECODER_LIMIT_KIB} KiB), plus the dm-verity tree a data-only delta rebuilds.
 *
 * <p>Order of checks: the delta file must be its signed size and hash to its signed digest before
 * any of it is parsed ({@link Code#ARTIFACT_DIGEST_MISMATCH}); its header must name exactly the
 * base and target the signed release names; every window must stay inside both images and the
 * bounds before it runs; the stream must end exactly at the target size (a data-only delta: at the
 * signed tree offset, after which the tree rebuilt from the data written is written). The base is
 * read once ({@link BaseReader}): hashed as its copies are served, or read through the active
 * slot's dm-verity mapping after its signed image was found to be the delta's base
 * ({@link BaseImage}); the target is written into the
 * inactive slot, which the caller has marked invalid, and hashed as it is written
 * ({@link CheckedWrite}; a data-only delta instead feeds the data to the verity tree it rebuilds,
 * taking the digests of blocks copied whole and aligned from a verified base's tree, proven against
 * its signed root before the first write: {@link DataTree}, {@link BaseImage#leaves}).
 * After the fsync a hashed base's digest must match ({@link Code#DELTA_BASE_MISMATCH}), and only then is
 * the target's digest (a data-only delta: the rebuilt verity root) compared with the signed one and
 * the slot read back ({@link Code#APPLY_DIGEST_MISMATCH}): nothing of the target is trusted before
 * the base was proven to be the one the delta was made from.
 */
public final class DeltaApplier {
    /** The largest LZMA2 dictionary the applier accepts (the maker uses 8 MiB). */
    public static final int DECODER_LIMIT_KIB = 16 * 1024;
    private static final int BUFFER = SlotDigests.BUFFER_BYTES;

    private DeltaApplier() {}

    /** {@link #apply(InputStream, SlotImage, BaseImage, BlockDevice, SlotImage, SlotImage, Optional)} over a hashed base. */
    public static Sha256 apply(InputStream delta, SlotImage artifact, BlockDevice source, BlockDevice target,
            SlotImage expectedBase, SlotImage expectedTarget, Optional<VerityParams> verity) throws IOException {
        return apply(delta, artifact, BaseImage.hashed(source), target, expectedBase, expectedTarget, verity);
    }

    /**
     * Applies the delta file read from {@code delta}, whose signed size and digest are
     * {@code artifact}, and returns the digest of the image the slot now holds: {@code expectedTarget}'s,
     * proven by the digest of the bytes written or, for a data-only delta, by the signed verity root
     * of the data written (or this throws). {@code verity} is the release's signed verity
     * parameters: a data-only delta needs them, to rebuild the tree and check its root. The target
     * is fsynced before it is read back. {@code base} is proven to be {@code expectedBase} by its
     * digest after the operations (hashed) or by its signed image before them (verified).
     */
    public static Sha256 apply(InputStream delta, SlotImage artifact, BaseImage base, BlockDevice target,
            SlotImage expectedBase, SlotImage expectedTarget, Optional<VerityParams> verity) throws IOException {
        byte[] file = verified(delta, artifact);
        InputStream in = new ByteArrayInputStream(file);
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
        base.check(h);
        if (h.dictBytes() > DECODER_LIMIT_KIB * 1024) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, ".nxdelta needs a " + h.dictBytes()
                    + "-byte LZMA2 dictionary, over the bound of " + DECODER_LIMIT_KIB + " KiB");
        }
        Optional<VerityParams> rebuilt = h.dataOnly() ? Optional.of(signedTree(verity, h.target())) : Optional.empty();
        Optional<DataTree> tree = rebuilt.map(v -> new DataTree(new VerityTree.Builder(v.dataSize(), v.treeOffset(),
                v.salt()), base.leaves(v)));
        CheckedWrite out = h.dataOnly() ? CheckedWrite.withoutDigest(target) : new CheckedWrite(target);
        try (BaseReader reader = new BaseReader(base, h, BUFFER)) {
            return run(in, h, reader, out, rebuilt, tree);
        }
    }

    /**
     * Runs the operations and the checks after them (steps 3 to 5 of docs/delta.md). A hashed base
     * is hashed on a second thread ({@link BaseReader}); the applying thread hashes what it writes,
     * once: the target's digest, or for a data-only delta the data's verity tree, whose signed root
     * then proves the whole image (the tree is a function of the data), so no digest of the target is taken.
     */
    private static Sha256 run(InputStream in, DeltaHeader h, BaseReader base, CheckedWrite out,
            Optional<VerityParams> rebuilt, Optional<DataTree> tree) throws IOException {
        long streamed = rebuilt.map(VerityParams::treeOffset).orElse(h.target().size());
        try {
            new OpApplier(base, h.sourceData(), out, tree, streamed, BUFFER).run(new LZMA2InputStream(in, h.dictBytes()));
        } catch (CorruptedInputException e) {
            throw DeltaHeader.malformed("operation stream is corrupt or truncated: the compressed data is corrupt");
        } catch (UnsupportedOptionsException e) {
            throw DeltaHeader.malformed("operation stream is corrupt or truncated: it asks for LZMA2 options this"
                    + " applier does not support");
        } catch (EOFException e) {
            throw DeltaHeader.malformed("operation stream is corrupt or truncated: it ends before its last operation");
        }
        if (in.read() != -1) {
            throw DeltaHeader.malformed("has bytes after the operation stream");
        }
        VerityParams built = tree.isPresent() ? writeTree(tree.get().builder(), out) : null;
        Sha256 written = built == null ? out.digest() : null;
        out.sync();
        Optional<Sha256> read = base.finish();
        if (read.isPresent() && !read.get().equals(h.source().digest())) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the active slot holds " + read.get().shortHex()
                    + ", the delta applies to " + h.source().digest().shortHex() + "; the inactive slot stays invalid");
        }
        if (built != null && !built.equals(rebuilt.get())) {
            throw new TrialbootException(Code.APPLY_DIGEST_MISMATCH, "the data the delta wrote has verity root "
                    + built.rootHash().shortHex() + ", the release signs " + rebuilt.get().rootHash().shortHex());
        }
        if (written != null && !written.equals(h.target().digest())) {
            throw new TrialbootException(Code.APPLY_DIGEST_MISMATCH, "delta produced " + written.shortHex()
                    + ", expected " + h.target().digest().shortHex());
        }
        out.readBack();
        return written != null ? written : h.target().digest();
    }

    /**
     * The signed verity parameters a data-only delta needs: the tree must follow the data directly
     * (every byte of the image is then data the root covers, or tree) and end where the target ends.
     */
    private static VerityParams signedTree(Optional<VerityParams> verity, SlotImage target) {
        VerityParams v = verity.orElseThrow(() -> DeltaHeader.malformed("makes only the data of an image with a"
                + " dm-verity tree, but the release signs no verity parameters"));
        if (v.treeOffset() != v.dataSize() || v.treeOffset() + v.treeSize() != target.size()) {
            throw DeltaHeader.malformed("makes the data of an image whose signed tree (" + v.treeSize() + " bytes at "
                    + v.treeOffset() + ", after " + v.dataSize() + " bytes of data) does not follow the data and end at"
                    + " its size " + target.size());
        }
        return v;
    }

    /** Writes the tree rebuilt from the data at its signed offset, right after the operations' bytes. */
    private static VerityParams writeTree(VerityTree.Builder tree, BlockDevice target) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VerityParams built = tree.finish(bytes);
        byte[] b = bytes.toByteArray();
        for (int off = 0; off < b.length; off += BUFFER) {
            target.write(built.treeOffset() + off, ByteBuffer.wrap(b, off, Math.min(BUFFER, b.length - off)));
        }
        return built;
    }

    /**
     * Reads the whole delta file and checks its signed size ({@link Code#APPLY_SIZE_MISMATCH}) and
     * digest ({@link Code#ARTIFACT_DIGEST_MISMATCH}) before any parser sees a byte of it. The guest
     * calls it at stage time too, so a delta changed after signing is refused before the slot is touched.
     */
    public static byte[] verified(InputStream delta, SlotImage artifact) throws IOException {
        Bounds.check(".nxdelta file", artifact.size(), Bounds.DELTA_BYTES);
        byte[] file = delta.readNBytes((int) artifact.size());
        if (file.length != artifact.size() || delta.read() != -1) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, ".nxdelta is not its signed size of "
                    + artifact.size() + " bytes");
        }
        Sha256 got = Sha256.of(file);
        if (!got.equals(artifact.digest())) {
            throw new TrialbootException(Code.ARTIFACT_DIGEST_MISMATCH, ".nxdelta hashes to " + got.shortHex()
                    + ", the release names " + artifact.digest().shortHex() + "; none of it was read");
        }
        return file;
    }

    static String describe(SlotImage i) {
        return i.digest().shortHex() + " (" + i.size() + " bytes)";
    }
}
