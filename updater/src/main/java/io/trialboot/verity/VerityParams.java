package io.trialboot.verity;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a dm-verity mapping needs, all of it signed in the release manifest: the hash algorithm, the
 * data and hash block sizes, the data size, where the tree starts on the slot (right after the data,
 * no superblock), the salt and the root hash. trialboot fixes the algorithm and block sizes
 * ({@link #ALGORITHM}, {@link #BLOCK_SIZE}); a manifest naming others is refused, not mapped.
 */
public record VerityParams(String algorithm, int dataBlockSize, int hashBlockSize, long dataSize,
        long treeOffset, Sha256 salt, Sha256 rootHash) {

    public static final String ALGORITHM = "sha256";
    public static final int BLOCK_SIZE = 4096;
    /** Digests per hash block as a power of two: 4096 / 32 = 128 = 2^7. */
    static final int FANOUT_BITS = 7;

    public VerityParams {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(rootHash, "rootHash");
        if (!ALGORITHM.equals(algorithm)) {
            throw invalid("algorithm '" + algorithm + "' is not " + ALGORITHM);
        }
        if (dataBlockSize != BLOCK_SIZE || hashBlockSize != BLOCK_SIZE) {
            throw invalid("block sizes " + dataBlockSize + "/" + hashBlockSize + " are not " + BLOCK_SIZE);
        }
        checkLayout(dataSize, treeOffset);
    }

    /** The data is whole blocks within the slot bound; the tree starts block-aligned after it. */
    static void checkLayout(long dataSize, long treeOffset) {
        if (dataSize <= 0 || dataSize % BLOCK_SIZE != 0 || dataSize > Bounds.SLOT_IMAGE_BYTES) {
            throw invalid("data size " + dataSize + " is not a positive multiple of " + BLOCK_SIZE
                    + " up to " + Bounds.SLOT_IMAGE_BYTES);
        }
        if (treeOffset < dataSize || treeOffset % BLOCK_SIZE != 0 || treeOffset > Bounds.SLOT_IMAGE_BYTES) {
            throw invalid("tree offset " + treeOffset + " is inside the data, not block-aligned or beyond "
                    + Bounds.SLOT_IMAGE_BYTES);
        }
    }

    /** The usual parameters: sha256, 4096-byte blocks, the tree right after the data. */
    public static VerityParams of(long dataSize, Sha256 salt, Sha256 rootHash) {
        return new VerityParams(ALGORITHM, BLOCK_SIZE, BLOCK_SIZE, dataSize, dataSize, salt, rootHash);
    }

    public long dataBlocks() {
        return dataSize / dataBlockSize;
    }

    /** Bytes of the hash tree for this data size. */
    public long treeSize() {
        return VerityTree.treeBlocks(dataBlocks()) * hashBlockSize;
    }

    /**
     * The {@code dmsetup create --table} line of a read-only verity mapping of {@code device}, data
     * and tree on the same device; the length is in 512-byte sectors, the tree start in hash blocks.
     */
    public String dmTable(String device) {
        return "0 " + dataSize / 512 + " verity 1 " + device + " " + device + " " + dataBlockSize + " "
                + hashBlockSize + " " + dataBlocks() + " " + treeOffset / hashBlockSize + " " + algorithm
                + " " + rootHash.hex() + " " + HexFormat.of().formatHex(salt.bytes());
    }

    private static TrialbootException invalid(String message) {
        return new TrialbootException(Code.SCHEMA_VIOLATION, "verity parameters: " + message);
    }
}
