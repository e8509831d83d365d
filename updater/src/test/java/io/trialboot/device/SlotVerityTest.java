package io.trialboot.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotVerityTest {
    private static final int DATA = 300 * VerityParams.BLOCK_SIZE;

    /** 300 blocks of data and their tree, as an image carrying its tree holds them. */
    private final byte[] image;
    private final VerityParams signed;

    SlotVerityTest() throws IOException {
        byte[] data = new byte[DATA];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(data);
        signed = VerityTree.build(new ByteArrayInputStream(data), DATA, DATA, VerityImage.SALT, out);
        image = out.toByteArray();
    }

    private void refused(Code code, byte[] content, int deviceSize) {
        MemoryBlockDevice dev = MemoryBlockDevice.of(content, deviceSize);
        TrialbootException e = assertThrows(TrialbootException.class, () -> SlotVerity.verify(dev, signed));
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void theDataHasTheSignedRootAndTheTreeOnTheDeviceIsItsTree() {
        SlotVerity.verify(MemoryBlockDevice.of(image, image.length + 4096), signed);
    }

    @Test
    void oneFlippedDataByteIsVerityRootMismatch() {
        byte[] flipped = image.clone();
        flipped[DATA - 1] ^= (byte) 0x80;
        refused(Code.VERITY_ROOT_MISMATCH, flipped, image.length);
    }

    @Test
    void oneFlippedTreeByteIsVerityTreeMismatch() {
        byte[] flipped = image.clone();
        flipped[DATA + 5] ^= 1;
        refused(Code.VERITY_TREE_MISMATCH, flipped, image.length);
    }

    @Test
    void aDeviceTooSmallForDataAndTreeIsRefusedBeforeAnyRead() {
        refused(Code.APPLY_SIZE_MISMATCH, Arrays.copyOf(image, DATA), DATA);
    }
}
