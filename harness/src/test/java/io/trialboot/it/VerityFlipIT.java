package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (a): v1.1.0 is installed into slot b and confirmed; with the power off, one byte of
 * slot b's data (in the squashfs' first block, which the mount reads) is flipped in the VM's
 * overlay from the host. At the next boot stage 0 verifies b's chain (its top hash block is
 * intact), maps it through dm-verity, and the mount's read of the flipped block fails: b is
 * refused ({@code VERITY_MAP_FAILED}), becomes bad, and the other verified slot, a, boots in
 * recovery; the history says why ({@code slot-refused slot=b code=VERITY_MAP_FAILED}). The device
 * starts with v1.1.0 confirmed on b, a snapshot ({@link #V110_CONFIRMED_ON_B}) that
 * {@link StartLoopIT} shares: the install and its trial are OtaCycleIT's subject, not this test's.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class VerityFlipIT {
    /** A byte in the slot's first 4 KiB data block, past the squashfs superblock. */
    private static final long FLIPPED = 100;

    /** From the factory image at its prompt: v1.1.0 installed into slot b, its trial booted and confirmed, at the prompt. */
    static final SnapshotRecipe V110_CONFIRMED_ON_B = SnapshotRecipe.FACTORY_AT_CONSOLE.then("v1.1.0-confirmed-on-b",
            "nx selfcheck; nx update apply v1.1.0 (full, slot b) to UPDATE_AWAIT_CONFIRM; nx reboot; the trial boot of b"
                    + " to HEALTH_TRIAL_OK, GUEST_SHELL_READY and the first 'trialboot#' prompt", VerityFlipIT::installAndConfirmOnB);

    @Test
    void aFlippedByteInTheConfirmedActiveSlotIsRefusedAndTheOtherSlotBoots(QemuVm vm) throws Exception {
        vm.reach(V110_CONFIRMED_ON_B);
        int next = vm.currentBoot() + 1;

        vm.powerCut();
        GuestDisk disk = new GuestDisk(vm.overlay());
        disk.flip(disk.slotOffset('b') + FLIPPED);

        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx history");
        vm.restart();
        vm.await(Contract.parse("flipped-slot-refused", """
                forbid contains "Kernel panic"
                forbid STAGE0_BOOT b * * *
                boot %d
                """.formatted(next) + slotBRefusedAndABootsInRecovery("VERITY_MAP_FAILED")));
    }

    /** From the factory image at its prompt: v1.1.0 installed into slot b, its trial booted and confirmed, at the prompt. */
    private static void installAndConfirmOnB(QemuVm vm) {
        int boot = vm.currentBoot();
        vm.type("nx selfcheck");
        vm.type("nx update apply pkg://updates/releases/1.1.0/manifest.nxm");
        vm.await(Contract.parse("install-1.1.0", """
                forbid contains "Kernel panic"
                boot %d
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """.formatted(boot)));
        vm.type("nx reboot");
        vm.await(Contract.parse("confirm-1.1.0", """
                forbid STAGE0_SLOT_REFUSED * *
                boot %d
                expect 180s STAGE0_BOOT b trial * *
                expect 300s HEALTH_TRIAL_OK
                expect 120s GUEST_SHELL_READY
                expect 30s "trialboot#"
                """.formatted(boot + 1)));
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
