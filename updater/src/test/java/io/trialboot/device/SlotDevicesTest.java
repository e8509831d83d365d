package io.trialboot.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotDevicesTest {
    @TempDir
    Path dir;

    @Test
    void partitionsOfOneDiskImageAreSeparateWindows() throws IOException {
        Path disk = dir.resolve("disk.img");
        Files.write(disk, new byte[3 * 4096]);
        SlotDevices slots = SlotDevices.ofPartitions(disk, Map.of(Slot.A, new long[] {4096, 4096},
                Slot.B, new long[] {8192, 4096}));
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 1);
        try (BlockDevice b = slots.open(Slot.B, true)) {
            b.write(0, ByteBuffer.wrap(ones));
            b.sync();
        }
        try (BlockDevice a = slots.open(Slot.A, false); BlockDevice b = slots.open(Slot.B, false)) {
            assertEquals(Sha256.of(new byte[4096]), SlotDigests.digest(a, 4096));
            assertEquals(Sha256.of(ones), SlotDigests.digest(b, 4096));
            TrialbootException e = assertThrows(TrialbootException.class, () -> b.read(4000, ByteBuffer.allocate(200)));
            assertEquals(Code.APPLY_SIZE_MISMATCH, e.code());
        }
    }

    @Test
    void wholeFilesAndMissingDevices() throws IOException {
        Files.write(dir.resolve("a.img"), new byte[100]);
        SlotDevices slots = SlotDevices.of(Map.of(Slot.A, dir.resolve("a.img"), Slot.B, dir.resolve("vdb")));
        try (BlockDevice a = slots.open(Slot.A, false)) {
            assertEquals(100, a.size());
        }
        assertEquals(Code.HOST_NOT_FOUND, assertThrows(TrialbootException.class, () -> slots.open(Slot.B, false)).code());
    }
}
