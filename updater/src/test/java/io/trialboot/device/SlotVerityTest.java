package io.trialboot.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotVerityTest {
    private static final int DATA = 300 * VerityParams.BLOCK_SIZE;

    private static VerityParams signed(byte[] data) throws IOException {
        return VerityTree.build(new ByteArrayInputStream(data), DATA, DATA, VerityImage.SALT, OutputStream.nullOutputStream());
    }

    @Test
    void theRootOfTheDataOnTheDeviceIsTheSignedOne() throws IOException {
        byte[] data = new byte[DATA];
        new Random(7).nextBytes(data);
        VerityParams p = signed(data);
        MemoryBlockDevice dev = MemoryBlockDevice.of(data, DATA + (int) p.treeSize() + 4096);
        assertEquals(p.rootHash(), SlotVerity.root(dev, p));
        SlotVerity.verify(dev, p);
    }

    @Test
    void oneFlippedDataByteIsVerityRootMismatch() throws IOException {
        byte[] data = new byte[DATA];
        new Random(7).nextBytes(data);
        VerityParams p = signed(data);
        data[DATA - 1] ^= (byte) 0x80;
        MemoryBlockDevice dev = MemoryBlockDevice.of(data, DATA + (int) p.treeSize());
        TrialbootException e = assertThrows(TrialbootException.class, () -> SlotVerity.verify(dev, p));
        assertEquals(Code.VERITY_ROOT_MISMATCH, e.code(), e.getMessage());
    }

    @Test
    void aDeviceTooSmallForDataAndTreeIsRefusedBeforeAnyRead() throws IOException {
        byte[] data = new byte[DATA];
        VerityParams p = signed(data);
        MemoryBlockDevice dev = MemoryBlockDevice.of(data, DATA);
        TrialbootException e = assertThrows(TrialbootException.class, () -> SlotVerity.verify(dev, p));
        assertEquals(Code.APPLY_SIZE_MISMATCH, e.code(), e.getMessage());
        assertEquals(0, dev.writes);
        dev.read(0, ByteBuffer.allocate(1));
    }
}
