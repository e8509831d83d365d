package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A slot whose image carries its dm-verity tree, checked through it: the root hash recomputed from
 * the data on the device ({@link VerityTree#build} over the first {@code data_size} bytes, with
 * the signed salt) must be the root hash signed for the image, and the tree on the device must be
 * the tree of that data. One hashing pass so proves every byte of the image (data, then tree up
 * to the image's end): what {@code nx selfcheck --deep} checks for such a slot.
 */
public final class SlotVerity {
    private SlotVerity() {}

    /**
     * Throws {@link Code#VERITY_ROOT_MISMATCH} unless the data on {@code device} has the signed root
     * hash, {@link Code#VERITY_TREE_MISMATCH} unless the tree after it is that data's tree, and
     * {@link Code#APPLY_SIZE_MISMATCH} (before reading) when data and tree do not fit the device.
     */
    public static void verify(BlockDevice device, VerityParams signed) {
        if (signed.treeOffset() != signed.dataSize()) {
            throw new IllegalArgumentException("the tree does not follow the data: " + signed);
        }
        if (signed.treeOffset() + signed.treeSize() > device.size()) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "the verity data and tree ("
                    + (signed.treeOffset() + signed.treeSize()) + " bytes) do not fit " + device + " ("
                    + device.size() + " bytes)");
        }
        VerityTree.Builder builder = new VerityTree.Builder(signed.dataSize(), signed.treeOffset(), signed.salt());
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(SlotDigests.BUFFER_BYTES, signed.dataSize()));
        for (long off = 0; off < signed.dataSize(); off += buf.limit()) {
            buf.clear().limit((int) Math.min(buf.capacity(), signed.dataSize() - off));
            device.read(off, buf);
            builder.update(buf.array(), 0, buf.limit());
        }
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        Sha256 root;
        try {
            root = builder.finish(tree).rootHash();
        } catch (IOException e) {
            throw new IllegalStateException("a ByteArrayOutputStream does not fail", e);
        }
        if (!root.equals(signed.rootHash())) {
            throw new TrialbootException(Code.VERITY_ROOT_MISMATCH, device + ": the verity root hash of its "
                    + signed.dataSize() + " bytes of data is " + root.hex() + ", the signed one is "
                    + signed.rootHash().hex());
        }
        ByteBuffer onDevice = ByteBuffer.allocate(tree.size());
        device.read(signed.treeOffset(), onDevice);
        if (!Arrays.equals(onDevice.array(), tree.toByteArray())) {
            throw new TrialbootException(Code.VERITY_TREE_MISMATCH, device + ": the hash tree at byte "
                    + signed.treeOffset() + " is not the tree of its data (root hash " + root.shortHex() + ")");
        }
    }
}
