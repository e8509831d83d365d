package io.trialboot.harness;

import io.trialboot.markers.BootBoundary;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The console as lines, across every QEMU a VM starts: QEMU's bytes become recorded lines (a prompt
 * left without a newline becomes a line after the quiet period), each complete line runs the
 * one-shot triggers armed for it (a power cut, a typed command), and the lines say when the guest
 * is resetting. One lock orders lines and triggers; a trigger runs on the console thread under it.
 */
final class ConsoleTriggers {
    /** What the guest prints as it resets: the kernel's restart, or a panic's countdown to one. */
    private static final Pattern RESET_LINE = Pattern.compile("reboot: Restarting system|Rebooting in [0-9]+ seconds");

    private record Trigger(Predicate<String> line, Runnable action) {}

    private final Object lock = new Object();
    private final ConsoleRecorder console;
    private final LineAssembler assembler;
    private final VmClock clock;
    private final long startNanos;
    /** Guarded by the lock. */
    private final List<Trigger> triggers = new ArrayList<>();
    /** The console has said the guest resets since the last boot began (or reset() asked); guarded by the lock. */
    private boolean resetting;
    /** A person's terminal the console is copied to, once attached. */
    private volatile OutputStream attached;

    ConsoleTriggers(ConsoleRecorder console, Duration quietPeriod, VmClock clock) {
        this.console = console;
        this.assembler = new LineAssembler(quietPeriod.toNanos());
        this.clock = clock;
        this.startNanos = clock.nanoTime();
    }

    /** Time since the run started. */
    Duration elapsed() {
        return Duration.ofNanos(clock.nanoTime() - startNanos);
    }

    /** Runs {@code action} once, on the console thread, when a complete line that {@code line} accepts arrives. */
    void arm(Predicate<String> line, Runnable action) {
        synchronized (lock) {
            triggers.add(new Trigger(line, action));
        }
    }

    /** Copies what QEMU prints from now on to {@code terminal}; null stops copying. */
    void attach(OutputStream terminal) {
        attached = terminal;
    }

    /** Whether the guest is resetting: the console said so, or {@link QemuVm#reset()} asked for it. */
    void resetting(boolean on) {
        synchronized (lock) {
            resetting = on;
        }
    }

    /** Bytes QEMU printed. */
    void onBytes(byte[] buf, int len) {
        OutputStream terminal = attached;
        if (terminal != null) {
            try {
                terminal.write(buf, 0, len);
                terminal.flush();
            } catch (IOException e) {
                attached = null; // the person's terminal went away; the log goes on
            }
        }
        synchronized (lock) {
            for (String text : assembler.accept(buf, len, clock.nanoTime())) record(text);
        }
    }

    /**
     * Starts a daemon thread named {@code name} that takes a partial line as complete once the
     * console has been quiet for the quiet period (checked three times a period); the pieces that
     * act on time share it. Shut it down with the VM.
     */
    ScheduledExecutorService startFlushing(String name, Duration quietPeriod) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, quietPeriod.toMillis() / 3);
        ticker.scheduleAtFixedRate(this::flushIfQuiet, period, period, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /** A partial line (a prompt) that stayed quiet for the quiet period becomes a line. */
    void flushIfQuiet() {
        synchronized (lock) {
            assembler.flushIfQuiet(clock.nanoTime()).ifPresent(this::record);
        }
    }

    /** One QEMU's console ended: its partial last line is recorded. Whether the guest was resetting. */
    boolean ended() {
        synchronized (lock) {
            assembler.finish().ifPresent(this::record);
            return resetting;
        }
    }

    /** A line the harness writes into the console itself (a restore line), after whatever QEMU printed. */
    void note(String text) {
        synchronized (lock) {
            assembler.finish().ifPresent(this::record);
            record(text);
        }
    }

    /** Called with the lock held. */
    private void record(String text) {
        console.record(text, elapsed().truncatedTo(ChronoUnit.MILLIS));
        if (BootBoundary.startsNewBoot(text)) {
            resetting = false;
        } else if (RESET_LINE.matcher(text).find()) {
            resetting = true;
        }
        for (Iterator<Trigger> it = triggers.iterator(); it.hasNext(); ) {
            Trigger t = it.next();
            if (t.line().test(text)) {
                it.remove();
                t.action().run();
            }
        }
    }
}
