package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (a): v1.1.0 is installed into slot b and confirmed; with the power off, one byte of
 * slot b's data (in the squashfs' first block, which the mount reads) is flipped in the VM's
 * overlay from the host. At the next boot stage 0 verifies b's chain (its top hash block is
 * intact), maps it through dm-verity, and the mount's read of the flipped block fails: b is
 * refused ({@code VERITY_MAP_FAILED}), becomes bad, and the other verified slot, a, boots in
 * recovery; the history says why ({@code slot-refused slot=b code=VERITY_MAP_FAILED}).
 */
@QemuTest
class VerityFlipIT {
    /** A byte in the slot's first 4 KiB data block, past the squashfs superblock. */
    private static final long FLIPPED = 100;

    @Test
    void aFlippedByteInTheConfirmedActiveSlotIsRefusedAndTheOtherSlotBoots(QemuVm vm) throws Exception {
        installAndConfirmOnB(vm);

        vm.powerCut();
        GuestDisk disk = new GuestDisk(vm.overlay());
        disk.flip(disk.slotOffset('b') + FLIPPED);

        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx history");
        vm.restart();
        vm.await(Contract.parse("flipped-slot-refused", """
                forbid contains "Kernel panic"
                forbid STAGE0_BOOT b * * *
                boot 3
                """ + slotBRefusedAndABootsInRecovery("VERITY_MAP_FAILED")));
    }

    /** From the factory state: v1.1.0 installed into slot b, its trial booted and confirmed (boots 1 and 2), at the prompt. */
    static void installAndConfirmOnB(QemuVm vm) {
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx selfcheck");
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx update apply pkg://updates/releases/1.1.0/manifest.nxm");
        vm.await(Contract.parse("install-1.1.0", """
                forbid contains "Kernel panic"
                boot 1
                expect 120s STAGE0_BOOT a normal * *
                expect 120s GUEST_SHELL_READY
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """));
        vm.type("nx reboot");
        vm.await(Contract.parse("confirm-1.1.0", """
                forbid STAGE0_SLOT_REFUSED * *
                boot 2
                expect 180s STAGE0_BOOT b trial * *
                expect 300s HEALTH_TRIAL_OK
                expect 120s GUEST_SHELL_READY
                """));
    }

    /**
     * Contract steps: stage 0 refuses slot b with {@code code}, boots a in recovery, and the history
     * (the test types {@code nx history} at the prompt) has b's refusal.
     */
    static String slotBRefusedAndABootsInRecovery(String code) {
        return """
                expect 180s STAGE0_SLOT_REFUSED b %1$s
                expect 60s STAGE0_BOOT a recovery * *
                expect 180s BUNDLEMGRD_SLOT_ACTIVE a
                expect 180s GUEST_SHELL_READY
                expect 60s HISTORY_ENTRY * slot-refused "slot=b code=%1$s"
                """.formatted(code);
    }
}
