package io.trialboot.delta.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.guest.GuestPaths;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * #17: a data-only delta applied over the active slot as the guest reads it, its data through the
 * dm-verity mapping and, where it copies whole blocks, the leaf digests of the base's signed tree:
 * the base is proven by its signed image and root, and refused before the first write when it is not.
 */
class VerifiedBaseDeltaTest {
    @TempDir
    Path dir;
    private DataOnlyPair pair;

    @BeforeEach
    void pair() throws IOException {
        pair = DataOnlyPair.make(dir);
    }

    @Test
    void theMakerCopiesFromTheBasesDataOnly() throws IOException {
        assertEquals(pair.baseData(), DeltaHeader.read(new ByteArrayInputStream(pair.delta())).sourceData());
        assertTrue(pair.baseData() < pair.base().length, "the base carries a tree after its data");
    }

    /**
     * The blocks before the change are copied whole and aligned: their leaf digests come from the
     * base's tree (proven against its signed root), the rest are hashed, and the root is the signed one.
     */
    @Test
    void aBaseWithItsSignedTreeMakesTheSignedImage() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        assertEquals(Sha256.of(pair.want()), pair.applyWithBaseTree(pair.base().clone(), target));
        assertArrayEquals(pair.want(), target.prefix(pair.want().length));
    }

    /**
     * A byte of the base tree's leaf level that is not the signed one (a leaf digest, or the padding
     * after the last): the leaves do not hash to the base's signed root, so none is taken, and the
     * apply is refused before the first write.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 37, -1})
    void aBaseLeafThatIsNotSignedIsRefusedBeforeAnyWrite(int at) {
        long leaves = VerityTree.leafLevelBytes(pair.baseSigned());
        long end = pair.baseSigned().treeOffset() + pair.baseSigned().treeSize();
        byte[] raw = pair.base().clone();
        raw[(int) (at < 0 ? end + at : end - leaves + at)] ^= 1;
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> pair.applyWithBaseTree(raw, target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("do not hash to its signed root"), e.getMessage());
        assertEquals(0, target.writes);
    }

    @Test
    void aBaseReadThroughItsVerityMappingMakesTheSignedImage() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        assertEquals(Sha256.of(pair.want()), pair.applyVerified(pair.mapping(), pair.baseImage(), target));
        assertArrayEquals(pair.want(), target.prefix(pair.want().length));
    }

    /** The active slot's signed image is not the delta's base: refused before the first write. */
    @Test
    void aVerifiedBaseWhoseSignedImageIsNotTheDeltasIsRefusedBeforeAnyWrite() {
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> pair.applyVerified(pair.mapping(),
                new SlotImage(Sha256.of(pair.want()), pair.want().length), target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("the active slot's signed image is"), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** A mapping shorter than the data the delta copies from (it would have to read the tree): refused before any write. */
    @Test
    void aDeltaReadingPastTheMappingIsRefusedBeforeAnyWrite() {
        int shorter = (int) pair.baseData() - 4096;
        MemoryBlockDevice shortMapping = MemoryBlockDevice.of(Arrays.copyOf(pair.base(), shorter), shorter);
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> pair.applyVerified(shortMapping,
                pair.baseImage(), target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("may not copy from the base's tree"), e.getMessage());
        assertEquals(0, target.writes);
    }

    /**
     * The kernel refuses a block of the mapping that does not hash to the signed root (EIO): the
     * active slot is not its signed image, so the delta's base is not there; the target is never
     * synced nor trusted.
     */
    @Test
    void anEioFromTheMappingIsABaseMismatch() {
        BlockDevice corrupt = DeltaFixtures.failingReadsPast(pair.mapping(), 1_000_000,
                GuestPaths.guest().mapping(Slot.A).toString());
        MemoryBlockDevice target = new MemoryBlockDevice(pair.want().length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> pair.applyVerified(corrupt,
                pair.baseImage(), target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("does not read through its dm-verity mapping"), e.getMessage());
        assertEquals(0, target.syncs, "nothing of the target was synced, nor trusted");
    }
}
