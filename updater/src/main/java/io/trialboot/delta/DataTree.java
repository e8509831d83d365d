package io.trialboot.delta;

import io.trialboot.core.Sha256;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.util.Optional;

/**
 * A data-only delta's target data fed into the verity tree the device rebuilds, as it is written.
 * A block the operations copied whole from a base block (one COPY covering it, its source offset
 * a multiple of the block size) takes that base block's level-0 digest from {@code baseLeaves}
 * instead of being hashed: the same salt and the same bytes give the same digest. That is sound
 * only because the base's leaves were proven against its signed root before the first write
 * ({@link BaseImage#leaves}) and the copied bytes were read through the base's dm-verity mapping,
 * which checks them against that root; and a wrong digest still cannot pass, since the rebuilt
 * root must equal the signed one (docs/delta.md, "Reusing the base tree's leaf digests").
 */
final class DataTree {
    static final int BLOCK = VerityParams.BLOCK_SIZE;
    private final VerityTree.Builder builder;
    private final Optional<byte[]> baseLeaves;

    DataTree(VerityTree.Builder builder, Optional<byte[]> baseLeaves) {
        this.builder = builder;
        this.baseLeaves = baseLeaves;
    }

    VerityTree.Builder builder() {
        return builder;
    }

    /** Whether blocks copied whole and aligned take the base's digests (else every block is hashed). */
    boolean reusesLeaves() {
        return baseLeaves.isPresent();
    }

    /**
     * Feeds {@code b[0, len)}, the next bytes of the data; it starts at a block boundary. With
     * {@code from} (when {@link #reusesLeaves}), {@code from[k] >= 0} says block {@code k} of them is
     * base block {@code from[k]}, copied whole.
     */
    void written(byte[] b, int len, int[] from) {
        if (from == null) {
            builder.update(b, 0, len);
            return;
        }
        byte[] leaves = baseLeaves.orElseThrow();
        int hashFrom = 0;
        for (int k = 0; (k + 1) * BLOCK <= len; k++) {
            if (from[k] >= 0) {
                builder.update(b, hashFrom, k * BLOCK - hashFrom);
                builder.knownLeaf(leaves, Math.multiplyExact(from[k], Sha256.LENGTH));
                hashFrom = (k + 1) * BLOCK;
            }
        }
        builder.update(b, hashFrom, len - hashFrom);
    }
}
