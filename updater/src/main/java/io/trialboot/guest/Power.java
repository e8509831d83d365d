package io.trialboot.guest;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Restarting the machine: a real {@code reboot -f} in the guest, a recorded call in tests. */
interface Power {
    void reboot();

    /** Flushes every file system, then resets the machine (QEMU restarts the same process). */
    static Power guest() {
        return () -> {
            try {
                new ProcessBuilder("sync").inheritIO().start().waitFor();
                new ProcessBuilder("reboot", "-f").inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException("reboot failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
