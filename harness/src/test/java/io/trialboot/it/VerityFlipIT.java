package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.it.CutPlan.Phase;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (a): v1.1.0 is installed into slot b and confirmed; with the power off, one byte of
 * slot b's data (in the squashfs' first block, which the mount reads) is flipped in the VM's
 * overlay from the host. At the next boot stage 0 verifies b's chain (its top hash block is
 * intact), maps it through dm-verity, and the mount's read of the flipped block fails: b is
 * refused ({@code VERITY_MAP_FAILED}), becomes bad, and the other verified slot, a, boots in
 * recovery; the history says why ({@code slot-refused slot=b code=VERITY_MAP_FAILED}). The device
 * starts with v1.1.0 confirmed on b, a snapshot ({@link #reachV110ConfirmedOnB}, restored before
 * any other state when the cache holds it: {@code Start.FIRST_REACH}) that
 * {@link StartLoopIT} and {@link PowerCutIT} share: the install and its trial are OtaCycleIT's
 * subject, not this test's.
 */
@QemuTest(start = QemuTest.Start.FIRST_REACH) // reachV110ConfirmedOnB powers it on, in its state when that is cached
class VerityFlipIT {
    /** A byte in the slot's first 4 KiB data block, past the squashfs superblock. */
    private static final long FLIPPED = 100;

    @Test
    void aFlippedByteInTheConfirmedActiveSlotIsRefusedAndTheOtherSlotBoots(QemuVm vm) throws Exception {
        reachV110ConfirmedOnB(vm);
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

    /**
     * Brings {@code vm}, at the factory image's first prompt, to v1.1.0 confirmed on slot b, slot a good,
     * at the prompt: the state the power-cut campaign's delta-apply points start from
     * ({@code powercut-v1.1.0-confirmed}, {@link PhaseStates}: v1.1.0's full apply, its switch checked
     * with {@code nx selfcheck --deep}, its trial boot confirmed), made with the states before it when
     * the cache lacks them, so that {@link PowerCutIT} in the same run restores them rather than
     * making them again. Its host policy bounds healthd at {@link Nx#HEALTH_BOUND}, which nothing here
     * waits on: the refused slot's boot is in recovery, on slot a, whose services come up. With
     * snapshots off, the same device by uncut commands ({@link UncutPhases}), as the campaign has it then.
     */
    static void reachV110ConfirmedOnB(QemuVm vm) {
        GuestConsole console = new GuestConsole(vm);
        Nx nx = new Nx(console);
        Consumer<String> say = line -> System.out.println("trialboot: " + line);
        if (!vm.config().snapshots().enabled() || vm.config().containerImage().isPresent()) {
            // no snapshots: the same device by uncut commands, as the campaign brings it there then
            vm.reach(SnapshotRecipe.FACTORY_AT_CONSOLE); // the cold boot to the first prompt
            UncutPhases uncut = new UncutPhases(vm, console, nx, say);
            uncut.begin();
            uncut.prepare(Phase.DELTA_APPLY);
            // the trial boot the console saw, awaited so that no later contract starts before it (a restore does that otherwise)
            vm.await(Contract.parse("v1.1.0-confirmed-on-b", """
                    boot %d
                    expect 60s STAGE0_BOOT b trial * *
                    expect 60s HEALTH_TRIAL_OK
                    expect 60s GUEST_SHELL_READY
                    """.formatted(vm.currentBoot())));
            return;
        }
        PhaseStates states = new PhaseStates(vm, console, nx, new SlotProof(vm::saved, vm.disk()::partitionAsIn), say);
        states.make(Phase.DELTA_APPLY);
        vm.reach(states.of(Phase.DELTA_APPLY)); // made just now (the guest is in it) or cached: both start from the saved device
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
