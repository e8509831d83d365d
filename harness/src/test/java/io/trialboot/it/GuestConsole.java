package io.trialboot.it;

import io.trialboot.harness.QemuVm;
import io.trialboot.harness.VcpuSnapshot;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The guest's console as a power-cut campaign uses it: run an {@code nx} command and take its
 * output (the lines between the command's echo and the next {@code trialboot# } prompt), and wait
 * for the console of whichever boot gets there after a restart or reboot. Waits poll
 * {@link QemuVm#lines()} (they span boots, which a contract step cannot) and fail at once when QEMU
 * exits unexpectedly or a forbidden line appears.
 */
final class GuestConsole {
    /** The nx console's prompt (NxConsole.PROMPT), stripped: a line of its own as soon as it is printed. */
    private static final String PROMPT = "trialboot#";
    private static final List<String> FORBIDDEN = List.of("Kernel panic", "Exception in thread");
    private static final long POLL_MS = 20;
    /** The first line OpenSBI prints on every power-on. */
    private static final String BANNER = "OpenSBI v";
    /** Every line stage 0 prints starts so: its markers ({@code STAGE0_*}), its warnings and fatal lines among them. */
    static final String STAGE0 = "stage0: ";
    /** The line the shell echoes after a {@link #shell} command that succeeded, or failed. */
    private static final String SHELL_OK = "trialboot-shell-ok";
    private static final String SHELL_FAILED = "trialboot-shell-failed";

    /** A wait that could not be met: the guest is stuck, QEMU died, or a forbidden line came. */
    static final class Stuck extends AssertionError {
        /** The boot printed OpenSBI's banner and then nothing of stage 0 for the console's stall bound. */
        final boolean stalledBeforeStage0;

        Stuck(String message) {
            this(message, false);
        }

        Stuck(String message, boolean stalledBeforeStage0) {
            super(message);
            this.stalledBeforeStage0 = stalledBeforeStage0;
        }
    }

    private final QemuVm vm;
    /** How long a boot may stay silent after OpenSBI's banner in {@link #settle}; null: no bound. */
    private final Duration stallBound;
    /** The same for the boot {@link #settle} powers on after a stall: silent so long, the device is stuck. */
    private final Duration againBound;
    /** Told of each boot that stalled before stage 0. */
    private final Consumer<String> onStall;

    /** A console whose waits know no stall: a boot silent after the banner fails them when they time out. */
    GuestConsole(QemuVm vm) {
        this(vm, null, null, why -> { });
    }

    /**
     * A console whose {@link #settle} takes a boot that printed OpenSBI's banner and then no stage-0
     * line for {@code stallBound} (scaled) as stalled before stage 0: it tells {@code onStall} where
     * the vCPUs are and powers the device on once more.
     */
    GuestConsole(QemuVm vm, Duration stallBound, Consumer<String> onStall) {
        this(vm, stallBound, stallBound, onStall);
    }

    /**
     * As {@link #GuestConsole(QemuVm, Duration, Consumer)}, but the boot powered on after a stall is
     * stuck only when silent for {@code againBound} (scaled): a test that stops a boot on purpose
     * sees that stall at any bound, while the real power-on after it must not be taken for one.
     */
    GuestConsole(QemuVm vm, Duration stallBound, Duration againBound, Consumer<String> onStall) {
        if ((stallBound == null) != (againBound == null)) {
            throw new IllegalArgumentException("both stall bounds or neither: " + stallBound + ", " + againBound);
        }
        this.vm = vm;
        this.stallBound = stallBound;
        this.againBound = againBound;
        this.onStall = onStall;
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
        return waitFor(from, test, timeout, what, null);
    }

    /** {@link #waitFor(int, Predicate, Duration, String)}, failing also on a boot silent for {@code stall} after the banner. */
    private int waitFor(int from, Predicate<ConsoleLine> test, Duration timeout, String what, Duration stall) {
        long deadline = System.nanoTime() + vm.config().scale().scale(timeout).toNanos();
        long stallNanos = stall == null ? Long.MAX_VALUE : vm.config().scale().scale(stall).toNanos();
        int banner = -1;
        long bannerSeen = 0;
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
            int silent = stall == null ? -1 : lastBannerWithoutStage0(now.subList(from, now.size()));
            if (silent != banner) {
                banner = silent;
                bannerSeen = System.nanoTime();
            }
            if (banner >= 0 && System.nanoTime() - bannerSeen > stallNanos) {
                throw new Stuck("boot " + now.get(from + banner).boot() + " printed nothing of stage 0 within " + stall
                        + " (scaled by " + vm.config().scale().factor() + ") of OpenSBI's banner while waiting for " + what
                        + tail(), true);
            }
            if (System.nanoTime() > deadline) {
                throw new Stuck(what + " not seen within " + timeout + " (scaled by " + vm.config().scale().factor() + ")"
                        + tail());
            }
            sleep(POLL_MS);
        }
    }

    /** Index in {@code lines} of the last boot's OpenSBI banner when no stage-0 line follows it; -1 otherwise. */
    static int lastBannerWithoutStage0(List<ConsoleLine> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String text = lines.get(i).text();
            if (text.startsWith(STAGE0)) return -1;
            if (text.startsWith(BANNER)) return i;
        }
        return -1;
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
        int prompt = waitFor(audit + 1, l -> isPrompt(l.text()), timeout, "the prompt after '" + command + "'");
        return output(lines(echo + 1, prompt).stream().map(ConsoleLine::text).toList());
    }

    /**
     * Runs a shell {@code command} at the console and waits for the prompt after it; fails, saying
     * {@code what}, when it does not succeed within {@code timeout} (scaled). Its success or failure is
     * a line the shell echoes after it.
     */
    void shell(String command, String what, Duration timeout) {
        int from = mark();
        vm.type("( " + command + " ) && echo " + SHELL_OK + " || echo " + SHELL_FAILED);
        int end = waitFor(from, l -> l.text().strip().equals(SHELL_OK) || l.text().strip().equals(SHELL_FAILED), timeout, what);
        if (lines(end, end + 1).get(0).text().strip().equals(SHELL_FAILED)) {
            throw new AssertionError(what + " failed: " + lines(from, end).stream().map(ConsoleLine::text).toList());
        }
        promptAfter(end, "the prompt after " + what);
    }

    /** Index of the line that opened the last boot on the console (a banner or a restore line); 0 when none. */
    int lastBootStart() {
        List<ConsoleLine> all = vm.lines();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (BootBoundary.startsNewBoot(all.get(i).text())) return i;
        }
        return 0;
    }

    /** A command's output lines among the console texts after its echo: not blank, not a prompt. */
    static List<String> output(List<String> texts) {
        return texts.stream().filter(t -> !t.isBlank() && !isPrompt(t)).toList();
    }

    /** Whether a console text is the nx console's prompt. */
    static boolean isPrompt(String text) {
        return text.strip().equals(PROMPT);
    }

    /**
     * Waits, across boots, for the console shell of the boot that gets there (a trial that fails
     * health reboots by itself first), and then for its first prompt: a key typed before the shell
     * printed it is echoed before the prompt, splitting the command's echo ({@code ntrialboot# x status}).
     * Returns the index of the {@code nx: console ready} line.
     *
     * <p>With a stall bound, a boot that printed OpenSBI's banner and then no stage-0 line within it
     * is looked at: when a vCPU is still in the firmware, the reset ROM or at a physical address, the
     * kernel ({@code quiet}) never brought every hart up, which it does before it reads any disk.
     * Under TCG on a loaded host that has been QEMU never starting the second hart
     * (docs/reliability.md). Such a stall goes to {@code onStall} with the vCPUs' program counters,
     * the power is cut and QEMU started again on the same overlay, once: a device that stalls again
     * is stuck. With every hart in the kernel, stage 0 itself (mounting the disk, picking the slot)
     * is stuck, and so is the wait.
     */
    int settle(int from, Duration timeout) {
        String ready = Marker.GUEST_SHELL_READY.line();
        String what = "'" + ready + "' in any boot after the restart";
        try {
            return promptAfter(waitFor(from, l -> l.text().equals(ready), timeout, what, stallBound));
        } catch (Stuck e) {
            if (!e.stalledBeforeStage0) throw e;
            VcpuSnapshot before = vm.vcpuSnapshot();
            sleep(1000);
            VcpuSnapshot now = vm.vcpuSnapshot();
            String vcpus = "vCPUs: " + now.describe(before);
            if (now.kernelRunsEveryHart()) {
                throw new Stuck(e.getMessage() + "\n" + vcpus + ": the kernel is up, so stage 0 itself is stuck");
            }
            onStall.accept("boot " + vm.currentBoot() + " printed nothing of stage 0 within " + stallBound
                    + " (scaled by " + vm.config().scale().factor() + ") of OpenSBI's banner, a hart never brought up; " + vcpus);
        }
        int again = mark();
        vm.powerCut();
        vm.restart();
        return promptAfter(waitFor(again, l -> l.text().equals(ready), timeout, what
                + ", powered on again after a stall before stage 0", againBound));
    }

    /** Waits for the first prompt after line {@code ready}; returns {@code ready}. */
    private int promptAfter(int ready) {
        promptAfter(ready, "the shell's first prompt");
        return ready;
    }

    /**
     * Waits for the first prompt after line {@code line} and returns its index: before typing the
     * next command, as a key typed while the last one still prints lands inside its output and
     * splits the new command's echo ({@code nx statuHOST_IO_ERROR: …}).
     */
    int promptAfter(int line, String what) {
        return waitFor(line + 1, l -> isPrompt(l.text()), Duration.ofSeconds(30), what);
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
