package io.trialboot.it;

import io.trialboot.harness.QemuVm;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The guest's console as a power-cut campaign uses it: run an {@code nx} command and take its
 * output (the lines between the command's echo and the next {@code trialboot# } prompt), and wait
 * for the console of whichever boot gets there after a restart or reboot. Waits poll
 * {@link QemuVm#lines()} (they span boots, which a contract step cannot) and fail at once when QEMU
 * exits unexpectedly or a forbidden line appears.
 */
final class GuestConsole {
    /** The nx console's prompt (NxConsole.PROMPT), stripped: a partial line of its own after 300 ms of silence. */
    private static final String PROMPT = "trialboot#";
    private static final List<String> FORBIDDEN = List.of("Kernel panic", "Exception in thread");
    private static final long POLL_MS = 100;

    /** A wait that could not be met: the guest is stuck, QEMU died, or a forbidden line came. */
    static final class Stuck extends AssertionError {
        Stuck(String message) {
            super(message);
        }
    }

    private final QemuVm vm;

    GuestConsole(QemuVm vm) {
        this.vm = vm;
    }

    /** Index of the next console line. */
    int mark() {
        return vm.lines().size();
    }

    List<ConsoleLine> lines(int from, int to) {
        return List.copyOf(vm.lines().subList(from, to));
    }

    /**
     * Waits for the first line at index {@code from} or later that {@code test} accepts and returns
     * its index. Fails when {@code timeout} (scaled) passes, QEMU exits, or a forbidden line comes.
     */
    int waitFor(int from, Predicate<ConsoleLine> test, Duration timeout, String what) {
        long deadline = System.nanoTime() + vm.config().scale().scale(timeout).toNanos();
        int i = from;
        while (true) {
            List<ConsoleLine> now = vm.lines();
            for (; i < now.size(); i++) {
                ConsoleLine l = now.get(i);
                for (String f : FORBIDDEN) {
                    if (l.text().contains(f)) {
                        throw new Stuck("forbidden line while waiting for " + what + ": " + l + tail());
                    }
                }
                if (test.test(l)) {
                    return i;
                }
            }
            if (!vm.isRunning()) {
                throw new Stuck("QEMU exited with code " + vm.exitCode().orElse(-1) + " while waiting for " + what + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new Stuck(what + " not seen within " + timeout + " (scaled by " + vm.config().scale().factor() + ")"
                        + tail());
            }
            sleep(POLL_MS);
        }
    }

    /**
     * Types an {@code nx} command and returns its output lines, once the prompt is back. The end is
     * the first prompt after updated's audit line ({@code updated: <op> -> <CODE>}): a command typed
     * the moment the console is ready is echoed before the console's first prompt, so a prompt right
     * after the echo is no end.
     */
    List<String> run(String command, Duration timeout) {
        int from = mark();
        vm.type(command);
        int echo = waitFor(from, l -> l.text().contains(command), Duration.ofSeconds(30), "the echo of '" + command + "'");
        int audit = waitFor(echo + 1, l -> l.text().startsWith("updated: "), timeout, "updated's answer to '" + command + "'");
        int prompt = waitFor(audit + 1, l -> l.text().strip().equals(PROMPT), timeout, "the prompt after '" + command + "'");
        return lines(echo + 1, prompt).stream().map(ConsoleLine::text)
                .filter(t -> !t.isBlank() && !t.strip().equals(PROMPT)).toList();
    }

    /**
     * Waits, across boots, for the console shell of the boot that gets there (a trial that fails
     * health reboots by itself first). Returns the index of the {@code nx: console ready} line.
     */
    int settle(int from, Duration timeout) {
        String ready = Marker.GUEST_SHELL_READY.line();
        return waitFor(from, l -> l.text().equals(ready), timeout, "'" + ready + "' in any boot after the restart");
    }

    /** Waits until QEMU has exited; false when it still runs after {@code timeout} (scaled). */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + vm.config().scale().scale(timeout).toNanos();
        while (vm.isRunning()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(POLL_MS);
        }
        return true;
    }

    private String tail() {
        List<ConsoleLine> all = vm.lines();
        StringBuilder sb = new StringBuilder("\nlast console lines:");
        for (ConsoleLine l : all.subList(Math.max(0, all.size() - 15), all.size())) {
            sb.append("\n  ").append(l);
        }
        return sb.append("\nfull log: ").append(vm.serialLog()).toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stuck("interrupted while waiting on the guest console");
        }
    }
}
