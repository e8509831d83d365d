package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.guest.GuestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The guest's disk devices have one rule, the partitions' order ({@link DiskImage#device}): stage 0
 * gets them rendered into its {@code /init}, and the guest services' slot devices agree.
 */
class DiskImageTest {
    @Test
    void eachPartitionsDeviceIsItsPlaceOnTheGuestsFirstDisk() {
        assertEquals("/dev/vda1", DiskImage.device(DiskImage.STATE));
        assertEquals("/dev/vda2", DiskImage.device(DiskImage.SLOT_A));
        assertEquals("/dev/vda3", DiskImage.device(DiskImage.SLOT_B));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiskImage.device("slot_c"));
        assertTrue(e.getMessage().startsWith("no partition slot_c on the guest's disk: "), e.getMessage());
    }

    @Test
    void theGuestServicesWriteTheSlotsStageZeroVerifies() {
        assertEquals(Path.of(DiskImage.device(DiskImage.SLOT_A)), GuestPaths.guest().slotA());
        assertEquals(Path.of(DiskImage.device(DiskImage.SLOT_B)), GuestPaths.guest().slotB());
    }

    @Test
    void stageZerosInitNamesNoDeviceOfTheDiskItself() throws Exception {
        String template = Files.readString(Path.of("src/main/stage0/init"));
        assertEquals(-1, template.indexOf(DiskImage.GUEST_DISK), "/init names a device of the disk instead of a placeholder");
        String init = Initramfs.renderInit(template);
        assertTrue(init.contains("mount -t ext4 -o rw,noatime /dev/vda1 $STATE "), "the state partition mounted");
        assertTrue(init.contains("a) dev=/dev/vda2 ") && init.contains("b) dev=/dev/vda3 "), "the slots' devices");
        assertTrue(init.contains("while [ ! -b /dev/vda3 ]; do"), "waits for the last partition");
    }
}
