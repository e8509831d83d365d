package io.trialboot.harness;

import io.trialboot.harness.qmp.QmpClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Pauses a running guest at a console line ({@link QemuVm#pauseWhen}), so a state saved then
 * ({@link Snapshots}) resumes in the middle of an operation.
 */
final class GuestPause {
    private static final int FIRMWARE_TRIES = 100;

    private final VmLifecycle lifecycle;
    private final ConsoleTriggers lines;
    private final ContractAwaits awaits;

    GuestPause(VmLifecycle lifecycle, ConsoleTriggers lines, ContractAwaits awaits) {
        this.lifecycle = lifecycle;
        this.lines = lines;
        this.awaits = awaits;
    }

    /**
     * Pauses the guest (QMP {@code stop}) as soon as a complete console line {@code line} accepts
     * arrives, in whichever QEMU prints it; the future completes once the guest is stopped.
     */
    CompletableFuture<Void> when(Predicate<String> line) {
        CompletableFuture<Void> paused = new CompletableFuture<>();
        // off the console thread: the stop must not wait on the console's lock while the VM's is held
        lines.arm(line, () -> CompletableFuture.runAsync(this::pauseOutsideFirmware).whenComplete((v, e) -> {
            if (e == null) paused.complete(null);
            else paused.completeExceptionally(e);
        }));
        return paused;
    }

    /**
     * Stops the guest; while a hart is in the firmware (machine mode, where its timer cannot be woken
     * at a restore: {@link HartTimers}) lets it run on for a moment and stops it again, at most
     * {@value #FIRMWARE_TRIES} times. A state saved with a hart in OpenSBI fails every restore: a
     * mid-boot one paused at a line, and an idle one saved at the prompt while a hart was in an SBI call.
     */
    static void stopOutsideFirmware(QmpClient qmp, Supplier<VcpuSnapshot> harts) {
        qmp.execute("stop");
        for (int i = 0; i < FIRMWARE_TRIES && harts.get().anyInFirmware(); i++) {
            qmp.execute("cont");
            qmp.execute("stop");
        }
    }

    private void pauseOutsideFirmware() {
        stopOutsideFirmware(lifecycle.qmp(), awaits::vcpuSnapshot);
    }
}
