package io.trialboot.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Sha256;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * #17: which target blocks of a data-only delta take their leaf digest from the base's tree: those
 * one COPY took whole from a block-aligned base offset, also when the copy is split at an output
 * buffer's end; not a block copied from an unaligned offset, nor one two copies share. Each case is
 * told apart by a base leaf digest made wrong on purpose: taken, it changes the root.
 */
class DataTreeTest {
    private static final int BLOCK = VerityParams.BLOCK_SIZE;
    private static final Sha256 SALT = Sha256.of("trialboot test salt".getBytes(StandardCharsets.UTF_8));
    private final byte[] base = random(6 * BLOCK, 1);
    private final byte[] literal = random(BLOCK, 2);
    /** Target blocks 0-2: base blocks 2-4, one COPY; 3: a LITERAL; 4: base bytes from offset 5; 5: two COPYs of base block 0. */
    private final byte[] want = concat(Arrays.copyOfRange(base, 2 * BLOCK, 5 * BLOCK), literal,
            Arrays.copyOfRange(base, 5, 5 + BLOCK), Arrays.copyOfRange(base, 0, BLOCK));

    @Test
    void blocksCopiedWholeAndAlignedTakeTheBaseLeavesAndTheRootIsTheDatas() throws IOException {
        assertEquals(root(want), apply(leaves()));
    }

    /** A wrong base leaf for a block one aligned COPY took whole is taken: the root is no longer the data's. */
    @Test
    void aWrongLeafOfACopiedBlockChangesTheRoot() throws IOException {
        for (int block : new int[] {2, 3, 4}) {
            byte[] leaves = leaves();
            leaves[block * Sha256.LENGTH] ^= 1;
            assertNotEquals(root(want), apply(leaves), "base block " + block);
        }
    }

    /** Base block 0 and 1 feed target blocks 4 and 5 only unaligned or in two COPYs: hashed, their leaves unused. */
    @Test
    void blocksCopiedUnalignedOrInPiecesAreHashed() throws IOException {
        byte[] leaves = leaves();
        leaves[0] ^= 1;
        leaves[Sha256.LENGTH] ^= 1;
        assertEquals(root(want), apply(leaves));
    }

    @Test
    void aKnownLeafOffABlockBoundaryIsRefused() {
        VerityTree.Builder b = new VerityTree.Builder(2 * BLOCK, 2 * BLOCK, SALT);
        b.update(base, 0, 10);
        assertThrows(IllegalStateException.class, () -> b.knownLeaf(leaves(), 0));
    }

    /** Runs the operations above with a 2-block output buffer (the first COPY spans two); returns the rebuilt root. */
    private Sha256 apply(byte[] baseLeaves) throws IOException {
        ByteArrayOutputStream ops = new ByteArrayOutputStream();
        ops.write(Ops.WINDOW);
        Ops.writeVarint(ops, 5);
        ops.write(new byte[] {Ops.COPY, Ops.LITERAL, Ops.COPY, Ops.COPY, Ops.COPY});
        for (long len : new long[] {3 * BLOCK, BLOCK, BLOCK, BLOCK / 2, BLOCK / 2}) {
            Ops.writeVarint(ops, len);
        }
        // each the source offset less where the previous operation left off (0, 6 * BLOCK, 5 + BLOCK, BLOCK / 2)
        for (long d : new long[] {2 * BLOCK, 5 - 6 * BLOCK, -(5 + BLOCK), 0}) {
            Ops.writeVarint(ops, Ops.zigzag(d));
        }
        ops.write(literal);
        ops.write(Ops.END);
        SlotImage b = new SlotImage(Sha256.of(base), base.length);
        DeltaHeader h = new DeltaHeader(DeltaHeader.MIN_DICT_BYTES, b, base.length,
                new SlotImage(Sha256.of(want), want.length), true);
        DataTree tree = new DataTree(new VerityTree.Builder(want.length, want.length, SALT), Optional.of(baseLeaves));
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        try (BaseReader reader = new BaseReader(BaseImage.verified(MemoryBlockDevice.of(base, base.length), b), h,
                2 * BLOCK)) {
            new OpApplier(reader, base.length, target, Optional.of(tree), want.length, 2 * BLOCK)
                    .run(new ByteArrayInputStream(ops.toByteArray()));
        }
        assertArrayEquals(want, target.prefix(want.length));
        return tree.builder().finish(new ByteArrayOutputStream()).rootHash();
    }

    /** The base's level-0 digests, proven from the leaf level of its tree. */
    private byte[] leaves() {
        try {
            ByteArrayOutputStream tree = new ByteArrayOutputStream();
            VerityParams v = VerityTree.build(new ByteArrayInputStream(base), base.length, base.length, SALT, tree);
            byte[] t = tree.toByteArray();
            int bytes = (int) VerityTree.leafLevelBytes(v);
            return VerityTree.provenLeaves(Arrays.copyOfRange(t, t.length - bytes, t.length), v).orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Sha256 root(byte[] data) throws IOException {
        return VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, SALT,
                new ByteArrayOutputStream()).rootHash();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
