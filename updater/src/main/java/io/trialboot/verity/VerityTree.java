package io.trialboot.verity;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Builds the dm-verity hash tree of the kernel's format 1 (cryptsetup's {@code lib/verity}): each
 * digest is {@code sha256(salt || block)}; level 0 hashes the data blocks, each higher level hashes
 * the blocks of the level below, 128 digests to a 4096-byte block, zero-padded; the levels are
 * stored top first; the root hash is the digest of the single top block (of the single data block
 * when the data is one block and the tree is empty). The whole tree is held in memory while it is
 * built: 1/127 of the data, 1.6 MiB for a 192 MiB slot. {@link Builder} takes the data in pieces.
 */
public final class VerityTree {
    private static final int DIGEST = Sha256.LENGTH;
    private static final int PER_BLOCK = 1 << VerityParams.FANOUT_BITS;

    private VerityTree() {
    }

    /**
     * Reads exactly {@code dataSize} bytes of {@code data}, writes the tree to {@code tree} and
     * returns the parameters with the tree at {@code treeOffset} on the slot.
     */
    public static VerityParams build(InputStream data, long dataSize, long treeOffset, Sha256 salt,
            OutputStream tree) throws IOException {
        Builder b = new Builder(dataSize, treeOffset, salt);
        byte[] buf = new byte[VerityParams.BLOCK_SIZE * 16];
        for (long left = dataSize; left > 0; ) {
            int n = data.readNBytes(buf, 0, (int) Math.min(buf.length, left));
            if (n == 0) {
                throw new TrialbootException(Code.SIZE_MISMATCH, "slot data ends after " + (dataSize - left)
                        + " bytes, before its size " + dataSize);
            }
            b.update(buf, 0, n);
            left -= n;
        }
        return b.finish(tree);
    }

    /**
     * The tree of data fed in order, in pieces of any size (the guest feeds the bytes it writes into a
     * slot, so the tree costs no second read of the data). Holds the level-0 digests, 1/128 of the data.
     */
    public static final class Builder {
        private final long dataSize;
        private final long treeOffset;
        private final Sha256 salt;
        private final byte[] saltBytes;
        private final MessageDigest md = Sha256.newDigest();
        private final byte[] level;
        private final byte[] block = new byte[VerityParams.BLOCK_SIZE];
        private int filled;
        private long fed;

        public Builder(long dataSize, long treeOffset, Sha256 salt) {
            VerityParams.checkLayout(dataSize, treeOffset);
            this.dataSize = dataSize;
            this.treeOffset = treeOffset;
            this.salt = salt;
            this.saltBytes = salt.bytes();
            this.level = new byte[Math.toIntExact(dataSize / VerityParams.BLOCK_SIZE * DIGEST)];
        }

        public long dataSize() {
            return dataSize;
        }

        /** Feeds the next {@code len} bytes of the data; more than {@code dataSize} in all is refused. */
        public void update(byte[] b, int off, int len) {
            if (len > dataSize - fed) {
                throw new IllegalStateException("fed " + (fed + len) + " bytes of " + dataSize + "-byte data");
            }
            while (len > 0) {
                int at = (int) (fed / VerityParams.BLOCK_SIZE * DIGEST);
                if (filled == 0 && len >= block.length) {
                    digest(md, saltBytes, b, off, level, at);
                    off += block.length;
                    len -= block.length;
                    fed += block.length;
                    continue;
                }
                int n = Math.min(len, block.length - filled);
                System.arraycopy(b, off, block, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == block.length) {
                    digest(md, saltBytes, block, 0, level, at);
                    filled = 0;
                    fed += block.length;
                }
            }
        }

        /**
         * Takes the next data block's level-0 digest from {@code digests} at {@code at} instead of
         * hashing the block: the caller vouches that it is {@code sha256(salt || block)} of the block
         * written there (a block copied whole from a base whose leaves were proven, {@link #provenLeaves}).
         * A wrong digest gives a root that is not the signed one.
         */
        public void knownLeaf(byte[] digests, int at) {
            if (filled != 0 || dataSize - fed < block.length) {
                throw new IllegalStateException("a known leaf needs a whole block at a block boundary: " + fed
                        + " + " + filled + " of " + dataSize);
            }
            System.arraycopy(digests, at, level, (int) (fed / VerityParams.BLOCK_SIZE * DIGEST), DIGEST);
            fed += block.length;
        }

        /** Writes the tree (levels top first) once all the data was fed; returns its parameters. */
        public VerityParams finish(OutputStream tree) throws IOException {
            if (fed != dataSize || filled != 0) {
                throw new IllegalStateException("fed " + (fed + filled) + " bytes of " + dataSize + "-byte data");
            }
            List<byte[]> levels = new ArrayList<>();
            byte[] root = above(level, md, saltBytes, levels);
            for (int i = levels.size() - 1; i >= 0; i--) {
                tree.write(levels.get(i));
            }
            return new VerityParams(VerityParams.ALGORITHM, VerityParams.BLOCK_SIZE, VerityParams.BLOCK_SIZE,
                    dataSize, treeOffset, salt, new Sha256(root));
        }
    }

    /**
     * Bytes of the leaf level (the packed level-0 digests, stored last in the tree, so it starts
     * this many bytes before the tree's end) of {@code signed}'s tree: 0 when the data is one block
     * (no tree; its one digest is the root).
     */
    public static long leafLevelBytes(VerityParams signed) {
        long blocks = signed.dataBlocks();
        return blocks < 2 ? 0 : (blocks + PER_BLOCK - 1) / PER_BLOCK * VerityParams.BLOCK_SIZE;
    }

    /**
     * The level-0 digests of the data {@code signed} describes, from {@code leafLevel}, the tree's
     * last {@link #leafLevelBytes} bytes: proven by hashing them up to the signed root (each level is the
     * function of the one below, so other bytes with that root mean a SHA-256 collision). Empty when
     * they do not hash to it.
     */
    public static Optional<byte[]> provenLeaves(byte[] leafLevel, VerityParams signed) {
        MessageDigest md = Sha256.newDigest();
        byte[] salt = signed.salt().bytes();
        byte[] root = above(hashBlocks(leafLevel, md, salt), md, salt, new ArrayList<>());
        if (!signed.rootHash().equals(new Sha256(root))) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(leafLevel, Math.toIntExact(signed.dataBlocks() * DIGEST)));
    }

    /** Hashes {@code digests} up to the root, adding each packed level, bottom first, to {@code levels}. */
    private static byte[] above(byte[] digests, MessageDigest md, byte[] salt, List<byte[]> levels) {
        while (digests.length > DIGEST) {
            byte[] packed = pack(digests);
            levels.add(packed);
            digests = hashBlocks(packed, md, salt);
        }
        return digests;
    }

    private static byte[] hashBlocks(byte[] packed, MessageDigest md, byte[] salt) {
        int count = packed.length / VerityParams.BLOCK_SIZE;
        byte[] digests = new byte[count * DIGEST];
        for (int b = 0; b < count; b++) {
            digest(md, salt, packed, b * VerityParams.BLOCK_SIZE, digests, b * DIGEST);
        }
        return digests;
    }

    /** Hash blocks of the tree over {@code dataBlocks} data blocks (cryptsetup's {@code hash_levels}). */
    static long treeBlocks(long dataBlocks) {
        long total = 0;
        for (long n = dataBlocks; n > 1; ) {
            n = (n + PER_BLOCK - 1) / PER_BLOCK;
            total += n;
        }
        return total;
    }

    private static byte[] pack(byte[] digests) {
        int count = digests.length / DIGEST;
        int blocks = (count + PER_BLOCK - 1) / PER_BLOCK;
        byte[] packed = new byte[blocks * VerityParams.BLOCK_SIZE];
        System.arraycopy(digests, 0, packed, 0, digests.length);
        return packed;
    }

    private static void digest(MessageDigest md, byte[] salt, byte[] data, int off, byte[] out, int at) {
        md.update(salt);
        md.update(data, off, VerityParams.BLOCK_SIZE);
        try {
            md.digest(out, at, DIGEST);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest always fits 32 bytes", e);
        }
    }
}
