package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.qmp.QmpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Armed power cuts: SIGKILL to QEMU when a console line arrives (at once or after a delay), or when
 * the guest has written enough to its disk. Which QEMU is killed is decided when the cut fires:
 * the one running then ({@code current}).
 */
final class PowerCuts {
    private static final long DISK_POLL_MS = 10;

    private final ConsoleTriggers console;
    private final ScheduledExecutorService ticker;
    private final Supplier<QemuProcess> current;
    private final AtomicBoolean fired = new AtomicBoolean();
    private ScheduledFuture<?> diskWatch;

    PowerCuts(ConsoleTriggers console, ScheduledExecutorService ticker, Supplier<QemuProcess> current) {
        this.console = console;
        this.ticker = ticker;
        this.current = current;
    }

    /** See {@link VmPower#cutWhen(Predicate, Duration)}. */
    void when(Predicate<String> line, Duration delay) {
        Objects.requireNonNull(line, "line");
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative: " + delay);
        fired.set(false);
        if (delay.isZero()) {
            console.arm(line, () -> {
                fired.set(true);
                QemuProcess p = current.get();
                if (p != null) p.kill();
            });
            return;
        }
        console.arm(line, () -> killLater(current.get(), delay));
    }

    /** See {@link VmPower#cutIn(Duration)}: the QEMU running now, {@code delay} from now. */
    void in(Duration delay) {
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative: " + delay);
        fired.set(false);
        killLater(current.get(), delay);
    }

    private void killLater(QemuProcess target, Duration delay) {
        ticker.schedule(() -> {
            if (target != null && target.alive()) {
                fired.set(true);
                target.kill();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** See {@link VmPower#cutAfterDiskWrites(long)}: {@code target}'s writes, polled through {@code client}. */
    synchronized void afterDiskWrites(long bytes, QemuProcess target, QmpClient client) {
        cancelDiskWatch();
        diskWatch = ticker.scheduleWithFixedDelay(() -> {
            try {
                if (target.alive() && writtenBytes(client.execute("query-blockstats"), "disk0") >= bytes) {
                    fired.set(true);
                    target.kill();
                }
            } catch (HarnessException e) {
                // QEMU went away under the poll: nothing left to cut
            }
            if (!target.alive()) throw new CancellationException("QEMU exited"); // ends the schedule
        }, 0, DISK_POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** Whether an armed cut has killed QEMU since the last {@link #clear()}. */
    boolean fired() {
        return fired.get();
    }

    /** A new QEMU runs: no cut has killed it yet. */
    void clear() {
        fired.set(false);
    }

    /** Ends a disk-write watch (its QEMU is gone or replaced). */
    synchronized void cancelDiskWatch() {
        if (diskWatch != null) {
            diskWatch.cancel(false);
            diskWatch = null;
        }
    }

    /** {@code wr_bytes} of {@code device} in a {@code query-blockstats} reply (0 when absent). */
    static long writtenBytes(Object reply, String device) {
        if (reply instanceof List<?> devices) {
            for (Object d : devices) {
                if (d instanceof Map<?, ?> m && device.equals(m.get("device"))
                        && m.get("stats") instanceof Map<?, ?> stats && stats.get("wr_bytes") instanceof Number n) {
                    return n.longValue();
                }
            }
        }
        return 0;
    }
}
