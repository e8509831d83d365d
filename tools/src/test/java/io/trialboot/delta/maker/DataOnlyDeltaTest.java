package io.trialboot.delta.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #17: a data-only (kind 2) delta is proven by the signed verity root of the data it wrote, not by
 * a digest of the target; the base is still proven first, and every byte of the slot is still
 * read back. The negative paths of that design over a raw base, in memory or on a disk file
 * ({@link VerifiedBaseDeltaTest}: over the base as dm-verity maps it).
 */
class DataOnlyDeltaTest {
    @TempDir
    Path dir;
    private DataOnlyPair pair;
    private byte[] base;
    private byte[] want;
    private VerityParams signed;

    @BeforeEach
    void pair() throws IOException {
        pair = DataOnlyPair.make(dir);
        base = pair.base();
        want = pair.want();
        signed = pair.signed();
    }

    @Test
    void theSlotHoldsTheSignedImageWhoseDigestItReturns() throws IOException {
        MemoryBlockDevice target = new MemoryBlockDevice(want.length + 8192);
        assertEquals(Sha256.of(want), pair.apply(MemoryBlockDevice.of(base, base.length), target, signed));
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
                () -> pair.apply(MemoryBlockDevice.of(base, base.length), target, gap));
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
                () -> pair.apply(MemoryBlockDevice.of(other, other.length), target, signed));
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
                () -> pair.apply(MemoryBlockDevice.of(base, base.length), losingTheTree, signed));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("reads back other bytes than were written in the"), e.getMessage());
    }

    /** The active slot fails a read (an I/O error, or EIO from a dm-verity mapping): the apply stops with its code. */
    @Test
    void aBaseThatCannotBeReadStopsTheApplyWithItsCode() {
        BlockDevice failing = DeltaFixtures.failingReadsPast(MemoryBlockDevice.of(base, base.length), 1_000_000,
                "the active slot");
        MemoryBlockDevice target = new MemoryBlockDevice(want.length);
        TrialbootException e = assertThrows(TrialbootException.class, () -> pair.apply(failing, target, signed));
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
            assertEquals(Sha256.of(want), pair.apply(a, b, signed), "the whole disk applies");
        }
        try (FileChannel ch = FileChannel.open(disk,
                StandardOpenOption.WRITE)) {
            ch.truncate(1_200_000); // inside slot a's base, after the first MiB
        }
        Files.write(disk.resolveSibling("b.img"), new byte[want.length]);
        try (BlockDevice a = slots.open(Slot.A, false);
                BlockDevice b = FileBlockDevice.open(disk.resolveSibling("b.img"), 0, want.length, true)) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> pair.apply(a, b, signed));
            assertEquals(Code.APPLY_SIZE_MISMATCH, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("ends before offset"), e.getMessage());
        }
        try (BlockDevice a = FileBlockDevice.open(dir, 0, base.length, false)) {
            MemoryBlockDevice target = new MemoryBlockDevice(want.length);
            TrialbootException e = assertThrows(TrialbootException.class, () -> pair.apply(a, target, signed));
            assertEquals(Code.HOST_IO_ERROR, e.code(), e.getMessage());
            assertEquals(0, target.syncs);
        }
    }
}
