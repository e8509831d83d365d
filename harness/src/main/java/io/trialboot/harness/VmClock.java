package io.trialboot.harness;

import java.time.Duration;

/** The time a VM's pieces read and the pauses they take: injected, so their tests run without sleeping. */
interface VmClock {
    /** The host's monotonic clock and {@link Thread#sleep}. */
    VmClock SYSTEM = new VmClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
        }
    };

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Pauses the calling thread for {@code d}. */
    void sleep(Duration d) throws InterruptedException;
}
