package io.trialboot.apply;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullApplyTest {
    private static final byte[] IMAGE = new byte[3 << 20];

    static {
        new Random(5).nextBytes(IMAGE);
    }

    private static SlotImage image(byte[] b) {
        return new SlotImage(Sha256.of(b), b.length);
    }

    @Test
    void writesIntoAPartitionWindowOfADiskFileAndLeavesTheRestAlone(@TempDir Path dir) throws IOException {
        Path disk = dir.resolve("disk.img");
        byte[] before = new byte[8 << 20];
        Arrays.fill(before, (byte) 0x5a);
        Files.write(disk, before);
        try (BlockDevice slot = FileBlockDevice.open(disk, 1 << 20, 4 << 20, true)) {
            assertEquals(Sha256.of(IMAGE), FullApply.write(new ByteArrayInputStream(IMAGE), slot, image(IMAGE)));
        }
        byte[] after = Files.readAllBytes(disk);
        assertArrayEquals(IMAGE, Arrays.copyOfRange(after, 1 << 20, (1 << 20) + IMAGE.length));
        assertEquals(0x5a, after[(1 << 20) - 1]);
        assertEquals(0x5a, after[(1 << 20) + IMAGE.length]);
    }

    @Test
    void shortOrLongStreamsAreRefused() {
        MemoryBlockDevice slot = new MemoryBlockDevice(4 << 20);
        TrialbootException shortOne = assertThrows(TrialbootException.class, () -> FullApply.write(
                new ByteArrayInputStream(Arrays.copyOf(IMAGE, 1000)), slot, image(IMAGE)));
        assertEquals(Code.APPLY_SIZE_MISMATCH, shortOne.code());
        assertTrue(shortOne.getMessage().contains("image ends after 1000 of"), shortOne.getMessage());
        TrialbootException longOne = assertThrows(TrialbootException.class, () -> FullApply.write(
                new ByteArrayInputStream(Arrays.copyOf(IMAGE, IMAGE.length + 1)), slot, image(IMAGE)));
        assertEquals(Code.APPLY_SIZE_MISMATCH, longOne.code());
    }

    @Test
    void imageLargerThanTheSlotIsRefusedBeforeWriting() {
        MemoryBlockDevice slot = new MemoryBlockDevice(1 << 20);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> FullApply.write(new ByteArrayInputStream(IMAGE), slot, image(IMAGE)));
        assertEquals(Code.APPLY_SIZE_MISMATCH, e.code());
        assertEquals(0, slot.writes);
    }

    @Test
    void slotThatDoesNotReadBackIsDetected() {
        MemoryBlockDevice backing = new MemoryBlockDevice(4 << 20);
        BlockDevice flaky = new BlockDevice() {
            public long size() { return backing.size(); }
            public void read(long offset, ByteBuffer dst) {
                backing.read(offset, dst);
                if (offset == 0) {
                    dst.put(0, (byte) (dst.get(0) ^ 1)); // a bit flips on the way back
                }
            }
            public void write(long offset, ByteBuffer src) { backing.write(offset, src); }
            public void sync() { backing.sync(); }
            public void close() {}
        };
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> FullApply.write(new ByteArrayInputStream(IMAGE), flaky, image(IMAGE)));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code());
    }
}
