package io.trialboot.delta.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.BaseImage;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * #17: a data-only (kind 2) delta is proven by the signed verity root of the data it wrote, not by
 * a digest of the target; the base is still proven first, and every byte of the slot is still
 * read back. The negative paths of that design, on a base and a slot held in memory.
 */
class DataOnlyDeltaTest {
    @TempDir
    Path dir;
    private byte[] base;
    private byte[] want;
    private byte[] delta;
    private VerityParams signed;
    private VerityParams baseSigned;
    private long baseData;

    /** Two images with trees; the target changes a few bytes and moves everything after them. */
    @BeforeEach
    void pair() throws IOException {
        Random r = new Random(17);
        byte[] src = new byte[1_500_000];
        r.nextBytes(src);
        ByteArrayOutputStream moved = new ByteArrayOutputStream();
        moved.write(src, 0, 400_001);
        moved.write(new byte[] {1, 2, 3}, 0, 3);
        moved.write(src, 400_001, src.length - 400_001);
        Path s = withTree("base.img", src);
        Path t = withTree("target.img", moved.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaMaker().make(s, t, out);
        delta = out.toByteArray();
        base = Files.readAllBytes(s);
        want = Files.readAllBytes(t);
        signed = VerityImage.read(t).orElseThrow();
        baseSigned = VerityImage.read(s).orElseThrow();
        baseData = baseSigned.dataSize();
    }

    /** A squashfs-looking image (magic, bytes_used) of {@code data} with its dm-verity tree appended. */
    private Path withTree(String name, byte[] data) throws IOException {
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x73717368).putLong(40, data.length);
        Path p = dir.resolve(name);
        Files.write(p, data);
        VerityImage.append(p);
        return p;
    }

    private Sha256 apply(BlockDevice source, BlockDevice target, VerityParams verity) throws IOException {
        return DeltaApplier.apply(new ByteArrayInputStream(delta), new SlotImage(Sha256.of(delta), delta.length),
                source, target, new SlotImage(Sha256.of(base), base.length), new SlotImage(Sha256.of(want),
                        want.length), Optional.of(verity));
    }

    /** The delta over the active slot's data read through its dm-verity {@code mapping}, whose kept manifest signs {@code image}. */
    private Sha256 applyVerified(BlockDevice mapping, SlotImage image, BlockDevice target) throws IOException {
        return DeltaApplier.apply(new ByteArrayInputStream(delta), new SlotImage(Sha256.of(delta), delta.length),
                BaseImage.verified(mapping, image), target, new SlotImage(Sha256.of(base), base.length),
                new SlotImage(Sha256.of(want), want.length), Optional.of(signed));
    }

    /** {@link #applyVerified}, the base's signed tree read from {@code raw}, the whole raw active slot. */
    private Sha256 applyWithBaseTree(byte[] raw, BlockDevice target) throws IOException {
        return DeltaApplier.apply(new ByteArrayInputStream(delta), new SlotImage(Sha256.of(delta), delta.length),
                BaseImage.verified(mapping(), new SlotImage(Sha256.of(base), base.length),
                        new BaseImage.Tree(MemoryBlockDevice.of(raw, raw.length), baseSigned)),
                target, new SlotImage(Sha256.of(base), base.length), new SlotImage(Sha256.of(want), want.length),
                Optional.of(signed));
    }

    /**
     * The blocks before the change are copied whole and aligned: their leaf digests come from the
     * base's tree (proven against its signed root), the rest are hashed, and the root is the signed one.
     */
    @Test
    void aBaseWithItsSignedTreeMakesTheSignedImage() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        assertEquals(Sha256.of(want), applyWithBaseTree(base.clone(), target));
        assertArrayEquals(want, target.prefix(want.length));
    }

    /**
     * A byte of the base tree's leaf level that is not the signed one (a leaf digest, or the padding
     * after the last): the leaves do not hash to the base's signed root, so none is taken, and the
     * apply is refused before the first write.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 37, -1})
    void aBaseLeafThatIsNotSignedIsRefusedBeforeAnyWrite(int at) {
        long leaves = VerityTree.leafLevelBytes(baseSigned);
        long end = baseSigned.treeOffset() + baseSigned.treeSize();
        byte[] raw = base.clone();
        raw[(int) (at < 0 ? end + at : end - leaves + at)] ^= 1;
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> applyWithBaseTree(raw, target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("do not hash to its signed root"), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** The mapping stage 0 makes of the base: its data, and nothing of its tree. */
    private MemoryBlockDevice mapping() {
        return MemoryBlockDevice.of(Arrays.copyOf(base, (int) baseData), (int) baseData);
    }

    @Test
    void theMakerCopiesFromTheBasesDataOnly() throws IOException {
        assertEquals(baseData, DeltaHeader.read(new ByteArrayInputStream(delta)).sourceData());
        assertTrue(baseData < base.length, "the base carries a tree after its data");
    }

    @Test
    void aBaseReadThroughItsVerityMappingMakesTheSignedImage() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        assertEquals(Sha256.of(want), applyVerified(mapping(), new SlotImage(Sha256.of(base), base.length), target));
        assertArrayEquals(want, target.prefix(want.length));
    }

    /** The active slot's signed image is not the delta's base: refused before the first write. */
    @Test
    void aVerifiedBaseWhoseSignedImageIsNotTheDeltasIsRefusedBeforeAnyWrite() {
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> applyVerified(mapping(),
                new SlotImage(Sha256.of(want), want.length), target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("the active slot's signed image is"), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** A mapping shorter than the data the delta copies from (it would have to read the tree): refused before any write. */
    @Test
    void aDeltaReadingPastTheMappingIsRefusedBeforeAnyWrite() {
        MemoryBlockDevice shortMapping = MemoryBlockDevice.of(Arrays.copyOf(base, (int) baseData - 4096),
                (int) baseData - 4096);
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> applyVerified(shortMapping,
                new SlotImage(Sha256.of(base), base.length), target));
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
        BlockDevice corrupt = new ForwardingDevice(mapping()) {
            @Override
            public void read(long offset, ByteBuffer dst) {
                if (offset + dst.remaining() > 1_000_000) {
                    throw new TrialbootException(Code.HOST_IO_ERROR, "read of /dev/mapper/slot-a at " + offset
                            + " failed: Input/output error");
                }
                target.read(offset, dst);
            }
        };
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> applyVerified(corrupt,
                new SlotImage(Sha256.of(base), base.length), target));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("does not read through its dm-verity mapping"), e.getMessage());
        assertEquals(0, target.syncs, "nothing of the target was synced, nor trusted");
    }

    @Test
    void theSlotHoldsTheSignedImageWhoseDigestItReturns() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(want.length + 8192);
        assertEquals(Sha256.of(want), apply(MemoryBlockDevice.of(base, base.length), target, signed));
        assertArrayEquals(want, target.prefix(want.length));
        assertEquals(1, target.syncs);
    }

    /** Bytes between the data and the tree would be covered by no root: such a release is refused before any write. */
    @Test
    void aSignedTreeThatDoesNotFollowTheDataIsMalformed() {
        VerityParams gap = new VerityParams(signed.algorithm(), signed.dataBlockSize(), signed.hashBlockSize(),
                signed.dataSize() - VerityParams.BLOCK_SIZE, signed.treeOffset(), signed.salt(), signed.rootHash());
        assertEquals(signed.treeOffset() + signed.treeSize(), gap.treeOffset() + gap.treeSize(), "only the gap differs");
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> apply(MemoryBlockDevice.of(base, base.length), target, gap));
        assertEquals(Code.MALFORMED_INPUT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("does not follow the data"), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** The root of the data written would match: the base is proven first all the same. */
    @Test
    void aBaseChangedWhereNoCopyReadsIsRefusedBeforeTheRootIsTrusted() {
        byte[] other = base.clone();
        other[other.length - 1] ^= 1; // the base's own tree: no copy of the data reads it
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> apply(MemoryBlockDevice.of(other, other.length), target, signed));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code(), e.getMessage());
        assertArrayEquals(want, target.prefix(want.length), "data and tree were written, then not trusted");
    }

    /** No digest of the target is taken, so a write the slot loses must be caught by the read-back. */
    @Test
    void aTreeTheSlotDoesNotReturnIsRefusedOnReadBack() {
        MemoryBlockDevice slot = new MemoryBlockDevice(want.length);
        BlockDevice losingTheTree = new ForwardingDevice(slot) {
            @Override
            public void write(long offset, ByteBuffer src) {
                if (offset >= signed.treeOffset()) {
                    src.position(src.limit()); // reported written, never stored
                    return;
                }
                target.write(offset, src);
            }
        };
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> apply(MemoryBlockDevice.of(base, base.length), losingTheTree, signed));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("reads back other bytes than were written in the"), e.getMessage());
    }

    /** The active slot fails a read (an I/O error, or EIO from a dm-verity mapping): the apply stops with its code. */
    @Test
    void aBaseThatCannotBeReadStopsTheApplyWithItsCode() {
        BlockDevice failing = new ForwardingDevice(MemoryBlockDevice.of(base, base.length)) {
            @Override
            public void read(long offset, ByteBuffer dst) {
                if (offset + dst.remaining() > 1_000_000) {
                    throw new TrialbootException(Code.HOST_IO_ERROR, "read of the active slot at " + offset
                            + " failed: Input/output error");
                }
                target.read(offset, dst);
            }
        };
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(failing, target, signed));
        assertEquals(Code.HOST_IO_ERROR, e.code(), e.getMessage());
        assertEquals(0, target.syncs, "nothing of the target was synced, nor trusted");
    }

    /**
     * The slots as windows of one disk file, as the host tools see them: a disk that ends inside the
     * active slot stops the apply when a read reaches the end, and a device whose reads fail at the
     * OS (here a directory opened as the base) with the read's code; the target is never synced.
     */
    @Test
    void aBaseOnADiskFileThatEndsEarlyOrFailsToReadStopsTheApplyWithItsCode() throws IOException {
        Path disk = dir.resolve("disk.img");
        long slot = want.length + 65536L;
        Files.write(disk, base);
        Files.write(disk, new byte[(int) slot - base.length], StandardOpenOption.APPEND);
        Files.write(disk, new byte[(int) slot], StandardOpenOption.APPEND);
        SlotDevices slots = SlotDevices.ofPartitions(disk, Map.of(Slot.A, new long[] {0, slot}, Slot.B,
                new long[] {slot, slot}));
        try (BlockDevice a = slots.open(Slot.A, false); BlockDevice b = slots.open(Slot.B, true)) {
            assertEquals(Sha256.of(want), apply(a, b, signed), "the whole disk applies");
        }
        try (FileChannel ch = FileChannel.open(disk,
                StandardOpenOption.WRITE)) {
            ch.truncate(1_200_000); // inside slot a's base, after the first MiB
        }
        Files.write(disk.resolveSibling("b.img"), new byte[want.length]);
        try (BlockDevice a = slots.open(Slot.A, false);
                BlockDevice b = FileBlockDevice.open(disk.resolveSibling("b.img"), 0, want.length, true)) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> apply(a, b, signed));
            assertEquals(Code.APPLY_SIZE_MISMATCH, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("ends before offset"), e.getMessage());
        }
        try (BlockDevice a = FileBlockDevice.open(dir, 0, base.length, false)) {
            MemoryBlockDevice target = new MemoryBlockDevice(want.length);
            TrialbootException e = assertThrows(TrialbootException.class, () -> apply(a, target, signed));
            assertEquals(Code.HOST_IO_ERROR, e.code(), e.getMessage());
            assertEquals(0, target.syncs);
        }
    }
}
