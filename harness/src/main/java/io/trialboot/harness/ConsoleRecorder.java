package io.trialboot.harness;

import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The run's console, line by line: each line gets its boot index (a new boot starts at the OpenSBI
 * banner, across QEMU restarts too), is appended to {@code serial.log} at once (so {@code tail -f}
 * and a crashed JVM still have it) and kept in memory for the awaits. Thread-safe: the console
 * reader records, test threads read and wait.
 */
final class ConsoleRecorder implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ConsoleLine> lines = new ArrayList<>();
    private final Path serialLog;
    private final BufferedWriter log;
    private int boot;
    /** A QEMU was started whose first boundary line (banner or restore) has not come yet. */
    private boolean launchedSilent;
    private Duration last = Duration.ZERO;
    private boolean closed;

    ConsoleRecorder(Path serialLog) {
        this.serialLog = serialLog;
        try {
            this.log = Files.newBufferedWriter(serialLog, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + serialLog, e);
        }
    }

    Path serialLog() {
        return serialLog;
    }

    /**
     * Records a line that arrived {@code at} after the run started (never earlier than the last).
     * Callers pass millisecond times, the serial.log precision, so the live and offline checks see
     * the same lines.
     */
    void record(String text, Duration at) {
        lock.lock();
        try {
            if (closed) return; // output after close (a straggler holding the pty): serial.log is final
            if (BootBoundary.startsNewBoot(text)) {
                boot++;
                launchedSilent = false;
            }
            last = at.compareTo(last) < 0 ? last : at;
            ConsoleLine line = new ConsoleLine(last, boot, text);
            lines.add(line);
            try {
                log.write(ConsoleLog.format(line));
                log.newLine();
                log.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + serialLog, e);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The lines from index {@code from} on (a copy). */
    List<ConsoleLine> from(int from) {
        lock.lock();
        try {
            return from >= lines.size() ? List.of() : List.copyOf(lines.subList(from, lines.size()));
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code n} lines before index {@code end}, oldest first. */
    List<ConsoleLine> tail(int end, int n) {
        lock.lock();
        try {
            int e = Math.min(end, lines.size());
            return List.copyOf(lines.subList(Math.max(0, e - n), e));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return lines.size();
        } finally {
            lock.unlock();
        }
    }

    /** The boot index of the latest line (0 before the first banner). */
    int currentBoot() {
        lock.lock();
        try {
            return boot;
        } finally {
            lock.unlock();
        }
    }

    /** A new QEMU starts: its boot begins with its first line, until then {@link #latestBoot} counts it already. */
    void launched() {
        lock.lock();
        try {
            launchedSilent = true;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #currentBoot}, or the boot after it while a QEMU just started has printed no boundary line. */
    int latestBoot() {
        lock.lock();
        try {
            return launchedSilent ? boot + 1 : boot;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until there are more than {@code seen} lines, {@link #wake} is called, or {@code maxWait} passes. */
    void awaitMore(int seen, Duration maxWait) throws InterruptedException {
        lock.lock();
        try {
            if (lines.size() <= seen) changed.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiters without a new line (QEMU exited). */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            log.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + serialLog, e);
        } finally {
            lock.unlock();
        }
    }
}
