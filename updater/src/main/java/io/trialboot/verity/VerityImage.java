package io.trialboot.verity;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * A slot image that carries its own dm-verity tree: the squashfs, zeros up to the next 4096-byte
 * boundary (the data size), then the tree. Self-describing, so tools need no side file: the data
 * size comes from the squashfs superblock ({@code bytes_used}), the salt is the product's constant
 * {@link #SALT} (signed with the root hash), so the same data always gets the same tree.
 */
public final class VerityImage {
    /** "hsqs", the squashfs superblock's magic, read little-endian. */
    private static final int SQUASHFS_MAGIC = 0x73717368;
    private static final int SUPERBLOCK_BYTES = 96;
    private static final int BYTES_USED_OFFSET = 40;
    /** {@code sha256("trialboot.verity-salt/1")}. */
    public static final Sha256 SALT = Sha256.of("trialboot.verity-salt/1".getBytes(StandardCharsets.US_ASCII));

    private VerityImage() {
    }

    /** Pads the squashfs {@code image} to whole blocks and appends its tree, in place. */
    public static VerityParams append(Path image) throws IOException {
        long dataSize = dataSize(image).orElseThrow(() -> new TrialbootException(Code.MALFORMED_INPUT,
                image + " is not a squashfs image"));
        if (carriesTree(image, dataSize)) {
            throw new TrialbootException(Code.SIZE_MISMATCH, image + " already holds bytes after its squashfs data");
        }
        try (OutputStream out = Files.newOutputStream(image, StandardOpenOption.APPEND)) {
            out.write(new byte[Math.toIntExact(dataSize - Files.size(image))]);
        }
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        VerityParams p;
        try (InputStream in = Files.newInputStream(image)) {
            p = VerityTree.build(in, dataSize, dataSize, SALT, tree);
        }
        try (OutputStream out = Files.newOutputStream(image, StandardOpenOption.APPEND)) {
            tree.writeTo(out);
        }
        return p;
    }

    /**
     * The parameters of an image that carries its tree, recomputed from its data and checked byte for
     * byte against the tree it carries ({@link Code#VERITY_TREE_MISMATCH}); empty for an image that is
     * no squashfs or ends with its squashfs data and padding.
     */
    public static Optional<VerityParams> read(Path image) throws IOException {
        Optional<Long> data = dataSize(image);
        if (data.isEmpty() || !carriesTree(image, data.get())) {
            return Optional.empty();
        }
        long dataSize = data.get();
        long size = Files.size(image);
        long treeSize = VerityTree.treeBlocks(dataSize / VerityParams.BLOCK_SIZE) * VerityParams.BLOCK_SIZE;
        if (size != dataSize + treeSize) {
            throw new TrialbootException(Code.VERITY_TREE_MISMATCH, image + " has " + size + " bytes; its data ("
                    + dataSize + ") and tree (" + treeSize + ") make " + (dataSize + treeSize));
        }
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        VerityParams p;
        byte[] carried;
        try (InputStream in = Files.newInputStream(image)) {
            p = VerityTree.build(in, dataSize, dataSize, SALT, tree);
            carried = in.readNBytes(Math.toIntExact(treeSize));
        }
        if (!Arrays.equals(carried, tree.toByteArray())) {
            throw new TrialbootException(Code.VERITY_TREE_MISMATCH, image + ": the hash tree it carries is not the"
                    + " tree of its data (root hash " + p.rootHash().shortHex() + ")");
        }
        return Optional.of(p);
    }

    /** More than the squashfs and its padding (mksquashfs pads to 4 KiB itself unless told not to). */
    private static boolean carriesTree(Path image, long dataSize) throws IOException {
        return Files.size(image) > dataSize;
    }

    /** The data size: the squashfs' {@code bytes_used} rounded up to whole blocks; empty for no squashfs. */
    private static Optional<Long> dataSize(Path image) throws IOException {
        long used = squashfsBytes(image);
        if (used <= 0) {
            return Optional.empty();
        }
        long blocks = (used + VerityParams.BLOCK_SIZE - 1) / VerityParams.BLOCK_SIZE;
        return Optional.of(blocks * VerityParams.BLOCK_SIZE);
    }

    /** {@code bytes_used} of the squashfs superblock, or 0 when {@code image} is no squashfs. */
    private static long squashfsBytes(Path image) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(image)) {
            head = in.readNBytes(SUPERBLOCK_BYTES);
        }
        if (head.length < SUPERBLOCK_BYTES) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long used = b.getLong(BYTES_USED_OFFSET);
        if (b.getInt(0) != SQUASHFS_MAGIC || used < SUPERBLOCK_BYTES || used > Bounds.SLOT_IMAGE_BYTES) {
            return 0;
        }
        return used;
    }
}
