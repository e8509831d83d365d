package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a delta's base is read from, and how it is proven to be the base the delta names
 * (docs/delta.md, "Reading the base"):
 * <ul>
 * <li>{@linkplain #hashed hashed}: the raw image; the applier takes its SHA-256 as it reads it and
 * compares it with the header's after the operations (the host's {@code trialboot verify --base},
 * and a device whose active slot is not mapped);</li>
 * <li>{@linkplain #verified verified}: the active slot read through the dm-verity mapping stage 0
 * made with the root hash of the slot's kept, signed manifest, whose image is {@code signed}. The
 * applier compares {@code signed} with the header's base before the first write; the kernel then
 * checks every block read against that root, and a block that does not verify (EIO) is
 * {@link Code#DELTA_BASE_MISMATCH}. The mapping holds the image's data only: it ends where the tree
 * starts. With its signed {@link Tree}, a data-only delta takes the level-0 digest of each target
 * block copied whole and aligned from the base from the base's tree instead of hashing it
 * ({@link #leaves}).</li>
 * </ul>
 * Closing it closes its devices.
 */
public record BaseImage(BlockDevice device, Optional<SlotImage> signed, Optional<Tree> tree) implements AutoCloseable {
    public BaseImage {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(signed, "signed");
        Objects.requireNonNull(tree, "tree");
        if (tree.isPresent() && (signed.isEmpty() || tree.get().signed().dataSize() != device.size())) {
            throw new IllegalArgumentException("a base's signed tree serves only a verified base whose mapping"
                    + " holds exactly the data it signs");
        }
    }

    /**
     * The signed dm-verity parameters of a verified base's image (from the same kept manifest as
     * its image) and the raw slot that holds its tree after the data (the mapping does not serve it).
     */
    public record Tree(BlockDevice raw, VerityParams signed) {
        public Tree {
            Objects.requireNonNull(raw, "raw");
            Objects.requireNonNull(signed, "signed");
        }
    }

    /** The raw base image, hashed by the applier as it reads it. */
    public static BaseImage hashed(BlockDevice raw) {
        return new BaseImage(raw, Optional.empty(), Optional.empty());
    }

    /** The data of the signed image {@code signed}, read through the kernel's dm-verity mapping of it. */
    public static BaseImage verified(BlockDevice mapping, SlotImage signed) {
        return new BaseImage(mapping, Optional.of(signed), Optional.empty());
    }

    /** {@link #verified(BlockDevice, SlotImage)}, whose image's signed tree is {@code tree}. */
    public static BaseImage verified(BlockDevice mapping, SlotImage signed, Tree tree) {
        return new BaseImage(mapping, Optional.of(signed), Optional.of(tree));
    }

    /**
     * Before anything is written: the base the header names must be the one this device holds
     * ({@link Code#DELTA_BASE_MISMATCH}), and every byte the operations may read must be readable
     * here — for a verified base, inside the mapping (the data, not the tree).
     */
    void check(DeltaHeader h) {
        if (signed.isEmpty()) {
            if (h.source().size() > device.size()) {
                throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "base image of " + h.source().size()
                        + " bytes is larger than the active slot " + device);
            }
            return;
        }
        if (!signed.get().equals(h.source())) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the active slot's signed image is "
                    + DeltaApplier.describe(signed.get()) + ", the delta applies to " + DeltaApplier.describe(h.source())
                    + "; nothing was written");
        }
        if (h.sourceData() > device.size()) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the delta reads the first " + h.sourceData()
                    + " bytes of its base, but the active slot's verity mapping " + device + " holds its data only, "
                    + device.size() + " bytes: a delta may not copy from the base's tree; nothing was written");
        }
    }

    /**
     * Before the first write, for a data-only delta whose target tree is {@code target}: the
     * level-0 digests of the base's data blocks, read from the raw slot's tree and proven by
     * hashing them up to the base's signed root ({@link Code#DELTA_BASE_MISMATCH} when they do not:
     * nothing was written). Empty when there is nothing to take them from: no signed tree, another
     * salt than the target's (the digests would differ), or one-block data (no tree).
     */
    Optional<byte[]> leaves(VerityParams target) {
        if (tree.isEmpty() || !tree.get().signed().salt().equals(target.salt())) {
            return Optional.empty();
        }
        VerityParams v = tree.get().signed();
        long bytes = VerityTree.leafLevelBytes(v);
        if (bytes == 0) {
            return Optional.empty();
        }
        ByteBuffer level = ByteBuffer.allocate(Math.toIntExact(bytes));
        tree.get().raw().read(v.treeOffset() + v.treeSize() - bytes, level);
        return Optional.of(VerityTree.provenLeaves(level.array(), v).orElseThrow(() -> new TrialbootException(
                Code.DELTA_BASE_MISMATCH, "the leaf digests of the active slot's dm-verity tree (" + bytes + " bytes at "
                        + (v.treeOffset() + v.treeSize() - bytes) + " of " + tree.get().raw() + ") do not hash to its signed"
                        + " root " + v.rootHash().shortHex() + "; nothing was written")));
    }

    @Override
    public void close() {
        try {
            tree.ifPresent(t -> t.raw().close());
        } finally {
            device.close();
        }
    }
}
