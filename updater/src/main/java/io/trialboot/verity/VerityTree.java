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
import java.util.List;

/**
 * Builds the dm-verity hash tree of the kernel's format 1 (cryptsetup's {@code lib/verity}): each
 * digest is {@code sha256(salt || block)}; level 0 hashes the data blocks, each higher level hashes
 * the blocks of the level below, 128 digests to a 4096-byte block, zero-padded; the levels are
 * stored top first; the root hash is the digest of the single top block (of the single data block
 * when the data is one block and the tree is empty). The whole tree is held in memory while it is
 * built: 1/127 of the data, 1.6 MiB for a 192 MiB slot.
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
        VerityParams.checkLayout(dataSize, treeOffset);
        MessageDigest md = Sha256.newDigest();
        byte[] saltBytes = salt.bytes();
        long blocks = dataSize / VerityParams.BLOCK_SIZE;
        byte[] level = new byte[Math.toIntExact(blocks * DIGEST)];
        byte[] block = new byte[VerityParams.BLOCK_SIZE];
        for (long i = 0; i < blocks; i++) {
            if (data.readNBytes(block, 0, block.length) != block.length) {
                throw new TrialbootException(Code.SIZE_MISMATCH, "slot data ends after " + i * block.length
                        + " bytes, before its size " + dataSize);
            }
            digest(md, saltBytes, block, level, (int) i * DIGEST);
        }
        List<byte[]> levels = new ArrayList<>();
        while (level.length > DIGEST) {
            byte[] packed = pack(level);
            levels.add(packed);
            int count = packed.length / VerityParams.BLOCK_SIZE;
            level = new byte[count * DIGEST];
            for (int b = 0; b < count; b++) {
                System.arraycopy(packed, b * block.length, block, 0, block.length);
                digest(md, saltBytes, block, level, b * DIGEST);
            }
        }
        for (int i = levels.size() - 1; i >= 0; i--) {
            tree.write(levels.get(i));
        }
        return new VerityParams(VerityParams.ALGORITHM, VerityParams.BLOCK_SIZE, VerityParams.BLOCK_SIZE,
                dataSize, treeOffset, salt, new Sha256(level));
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

    private static void digest(MessageDigest md, byte[] salt, byte[] block, byte[] out, int at) {
        md.update(salt);
        md.update(block);
        try {
            md.digest(out, at, DIGEST);
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-256 digest always fits 32 bytes", e);
        }
    }
}
