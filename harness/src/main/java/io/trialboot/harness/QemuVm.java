package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import io.trialboot.harness.qmp.QmpClient;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.markers.Step;
import io.trialboot.markers.check.AwaitRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One guest under {@code qemu-system-riscv64}, booted from a fresh copy-on-write overlay over the
 * image's base disk, or started from a saved state ({@link #restore}). Its console (the pty) becomes
 * timestamped, boot-indexed lines in {@code <runDir>/serial.log}; {@link #await(Contract)} runs the
 * contract matcher over them live and ends at once when QEMU exits or a forbidden line appears.
 * {@link #powerCut()} and {@link #restart()} inject power loss on the same overlay. Close it to quit
 * QEMU (QMP {@code quit}, then SIGKILL after {@link VmConfig#shutdownWait()}).
 *
 * <p>A facade over its pieces: {@link VmLifecycle} (the QEMU processes, one lock),
 * {@link ConsoleTriggers} (lines and the actions armed on them), {@link PowerCuts},
 * {@link FailureReport} and {@link Snapshots}.
 *
 * <p>A guest reset is a cold start: QEMU runs with {@code -no-reboot}, so when the guest resets
 * (the kernel's {@code reboot: Restarting system}, a panic's {@code Rebooting in N seconds}, or
 * {@link #reset()}) QEMU exits and this VM starts a new QEMU on the same overlay at once. QEMU 7.2's
 * in-process warm reset under TCG now and then left the guest silent after OpenSBI's banner
 * (docs/testing.md, "Reboots are cold starts"); a new process resets every device and hart, as a
 * real reset does. The console, its boot count and armed triggers go on across it; a running
 * {@link #powerCutAfterDiskWrites} watch ends with the old QEMU.
 *
 * <p>Successive awaits continue where the previous one stopped: each consumes the console up to
 * the line that met its last step, and its first step's timeout counts from the moment it is called.
 */
public final class QemuVm implements AutoCloseable {

    private final VmConfig config;
    private final VmClock clock;
    private final ConsoleRecorder console;
    private final ConsoleTriggers lines;
    private final ScheduledExecutorService ticker;
    private final PowerCuts cuts;
    private final VmLifecycle lifecycle;
    private final FailureReport report;
    private final ContractAwaits awaits;
    private final Snapshots snapshots;
    private QemuVm(VmConfig config, VmClock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        Path runDir = config.runDir().toAbsolutePath();
        Files.createDirectories(runDir);
        this.console = new ConsoleRecorder(runDir.resolve("serial.log"));
        this.lines = new ConsoleTriggers(console, config.quietPeriod(), clock);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qemu-console-flush-" + runDir.getFileName());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, config.quietPeriod().toMillis() / 3);
        ticker.scheduleAtFixedRate(lines::flushIfQuiet, period, period, TimeUnit.MILLISECONDS);
        this.lifecycle = new VmLifecycle(config, console, lines, clock, this::qemuReplaced);
        this.cuts = new PowerCuts(lines, ticker, lifecycle::process);
        this.report = new FailureReport(config, console);
        this.awaits = new ContractAwaits(config, console, lines, lifecycle, report, clock, cuts::fired);
        this.snapshots = new Snapshots(config, lifecycle, lines, awaits, cuts, clock);
    }

    /** Creates the run directory and overlay, and boots QEMU. */
    public static QemuVm start(VmConfig config) {
        QemuVm vm = create(config);
        try {
            vm.lifecycle.restartOn(config.image().disk());
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /**
     * Boots the overlay already in the run directory: a device a person or a test left, as it was
     * ({@code scripts/vm --resume} and {@code --from}).
     */
    public static QemuVm resume(VmConfig config) {
        QemuVm vm = create(config);
        try {
            if (!Files.isRegularFile(vm.overlay())) {
                throw new HarnessException(HarnessCode.CONFIG_INVALID, "no overlay to resume at " + vm.overlay());
            }
            vm.lifecycle.launch(List.of());
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /**
     * Creates the run directory and starts the guest in {@code recipe}'s state: restored from the
     * snapshot cache, or by a cold boot and the recipe's steps (then saved). See {@link #reach}.
     */
    public static QemuVm start(VmConfig config, SnapshotRecipe recipe) {
        QemuVm vm = create(config);
        try {
            vm.reach(recipe);
        } catch (RuntimeException | Error e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    /** A VM whose run directory is ready and whose QEMU has not started yet. */
    static QemuVm create(VmConfig config) {
        Objects.requireNonNull(config, "config");
        try {
            return new QemuVm(config, VmClock.SYSTEM);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run directory " + config.runDir(), e);
        }
    }

    public VmConfig config() {
        return config;
    }

    public Path runDir() {
        return config.runDir().toAbsolutePath();
    }

    /** The console log ({@code +SSSS.mmm boot=N | text} lines; {@code markers check} reads it). */
    public Path serialLog() {
        return console.serialLog();
    }

    /** The copy-on-write overlay this VM writes to; the base disk is never written. */
    public Path overlay() {
        return lifecycle.overlay();
    }

    /** Where {@link #await} writes the report of its last failure. */
    public Path reportFile() {
        return report.reportFile();
    }

    /** The contracts this VM awaited, one {@link AwaitRecord} a line: the CI gate re-checks serial.log with them. */
    public Path contractsFile() {
        return report.contractsFile();
    }

    /** Whether QEMU runs with KVM acceleration; false means TCG emulation, and timeouts may need scaling. */
    public boolean accelerated() {
        return lifecycle.accelerated();
    }

    /** The per-run report, written when the VM is closed: boots, markers and contract steps on a time axis. */
    public Path timelineFile() {
        return report.timelineFile();
    }

    /** Every console line so far, across boots and restarts. */
    public List<ConsoleLine> lines() {
        return console.from(0);
    }

    /** The boot the console is in (1 after the first OpenSBI banner or restore; 0 before it). */
    public int currentBoot() {
        return console.currentBoot();
    }

    /** Whether QEMU runs: true also while a guest reset starts a new QEMU. */
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    /** QEMU's exit code, once it has exited (not for a guest reset: a new QEMU follows it). */
    public OptionalInt exitCode() {
        return lifecycle.exitCode();
    }

    /** How many guest resets started a new QEMU. */
    public int relaunches() {
        return lifecycle.relaunches();
    }

    /**
     * Types {@code command} at the guest console followed by Enter. The guest echoes it, so the
     * command shows up in the console as a line of its own.
     *
     * @throws IllegalArgumentException when the command holds control characters (Ctrl-A would
     *     reach QEMU's monitor escape, a newline would type two commands)
     */
    public void type(String command) {
        byte[] bytes = typedBytes(command);
        try {
            lifecycle.liveProcess("type '" + command + "'").write(bytes);
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "cannot type '" + command + "': " + e.getMessage(), e);
        }
    }

    /** {@code command} and Enter, as the console receives them. */
    private static byte[] typedBytes(String command) {
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("command holds control character 0x"
                        + Integer.toHexString(c) + " at " + i + ": type one line of printable text");
            }
        }
        return (command + "\r").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits until the console meets {@code contract}, and returns the values it captured. Ends at
     * once, failing, when QEMU exits or a forbidden line appears.
     *
     * @throws AssertionError with the matcher's report, QEMU's liveness and the serial.log path
     */
    public Map<String, String> await(Contract contract) {
        return awaits.await(contract);
    }

    /**
     * Waits for one catalog marker (with {@code args} for its placeholders, as in a contract's
     * {@code expect} line) in the current boot, within {@code timeout} (scaled).
     */
    public Map<String, String> await(Marker marker, Duration timeout, String... args) {
        Step step = new Step(1, Math.max(1, currentBoot()), timeout, LinePattern.of(marker, args), 0);
        return await(new Contract(marker.name(), List.of(step), List.of()));
    }

    /**
     * Hands the console to a person (scripts/vm): what QEMU prints from now on is copied to
     * {@code terminal} as it comes, and every byte read from {@code keyboard} goes to the
     * console unchanged — Ctrl-A X included, which quits QEMU. The line log keeps recording.
     * Returns QEMU's exit code once it has exited.
     */
    public int attach(InputStream keyboard, OutputStream terminal) {
        Terminal.attach(keyboard, terminal, lifecycle, lines, console);
        return exitCode().orElse(-1);
    }

    /** Cuts the power now: SIGKILL to QEMU, nothing flushed. {@link #restart()} boots it again. */
    public void powerCut() {
        lifecycle.powerCut();
    }

    /**
     * Arms a power cut for the first console line that {@code line} accepts: QEMU is killed from the
     * console thread the moment that line is complete. Output QEMU had already written to the pty
     * still arrives; the guest itself runs no further.
     */
    public void powerCutWhen(Predicate<String> line) {
        cuts.when(line, Duration.ZERO);
    }

    /**
     * Arms a power cut {@code delay} after the first console line that {@code line} accepts: a
     * seeded random delay lands the cut anywhere in the work that follows a line. The QEMU running
     * when the line completes is the one killed (never one started later by {@link #restart()});
     * {@link #powerCutFired()} turns true when it is. A zero delay is {@link #powerCutWhen(Predicate)}.
     */
    public void powerCutWhen(Predicate<String> line, Duration delay) {
        cuts.when(line, delay);
    }

    /** Arms a power cut right after {@code marker} (with {@code args} as in a contract) is printed. */
    public void powerCutAfter(Marker marker, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        powerCutWhen(text -> pattern.match(text, Map.of()).isPresent());
    }

    /**
     * Types {@code command} the moment a console line that {@code line} accepts is complete, from
     * the console thread: for commands inside a contract that spans them (type {@code nx reboot}
     * once the shell is ready, then await both boots with one contract). One-shot. If QEMU has
     * exited by then, nothing is typed and the await reports the exit. Arm it before the line can
     * appear: lines already printed do not fire it.
     */
    public void typeWhen(Predicate<String> line, String command) {
        Objects.requireNonNull(line, "line");
        byte[] bytes = typedBytes(command);
        lines.arm(line, () -> {
            QemuProcess p = lifecycle.process();
            try {
                if (p != null && p.alive()) p.write(bytes);
            } catch (IOException e) {
                // QEMU went away as the line arrived: the await reports its exit
            }
        });
    }

    /** Types {@code command} right after {@code marker} (with {@code args} as in a contract) is printed. */
    public void typeAfter(Marker marker, String command, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        typeWhen(text -> pattern.match(text, Map.of()).isPresent(), command);
    }

    /** Whether an armed power cut has killed the current QEMU (a restart clears it). */
    public boolean powerCutFired() {
        return cuts.fired();
    }

    /**
     * Arms a power cut for when the guest has written at least {@code bytes} to its disk since this
     * QEMU started (QMP {@code query-blockstats}, polled every few milliseconds, so the cut lands
     * within one poll of the threshold). Ends with the VM or with {@link #restart()}.
     */
    public void powerCutAfterDiskWrites(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive: " + bytes);
        cuts.afterDiskWrites(bytes, lifecycle.liveProcess("arm a power cut"), qmp());
    }

    /**
     * Hot-plugs {@code rawImage} read-only as the update media ({@code media0}, USB mass storage on
     * the xHCI controller; the guest sees {@code /dev/sda}). It stays in until {@link #unplugMedia()},
     * across guest resets, power cuts and snapshots. Needs {@link VmConfig#hotplugPort()} and no media
     * attached at boot: the boot-time media sits on virtio-mmio, which QEMU cannot unplug.
     */
    public void plugMedia(Path rawImage) {
        lifecycle.plugMedia(rawImage);
    }

    /**
     * Pulls the hot-plugged media out (USB: gone at once). Until then it stays in across guest
     * resets and power cuts: the QEMU that {@link #restart()} or a reset starts boots with it.
     */
    public void unplugMedia() {
        lifecycle.unplugMedia();
    }

    /** Boots QEMU again on the same overlay after it exited or lost power. */
    public void restart() {
        cuts.clear();
        lifecycle.restart();
    }

    /**
     * Boots QEMU again on a fresh overlay over the base disk, after it exited or lost power: the
     * device as it left the factory, in the same run (the console and its boot count go on).
     */
    public void restartFromFactory() {
        cuts.clear();
        lifecycle.restartOn(config.image().disk());
    }

    /** The QMP client of the running QEMU, connected on first use. */
    public QmpClient qmp() {
        return lifecycle.qmp();
    }

    /** Where each vCPU of the running QEMU is now (QMP {@code info registers -a}). */
    public VcpuSnapshot vcpuSnapshot() {
        return awaits.vcpuSnapshot();
    }

    /**
     * Brings the guest to {@code recipe}'s state. From the snapshot cache when it holds that state
     * for exactly this QEMU, command line, image and steps: the QEMU running now (if any) is killed
     * and a new one loads the state, after a restore line in the console (it opens a new boot; the
     * awaits go on from it). Otherwise, saying why, by the recipe's steps from its parent's state
     * (reached the same way) or from a cold boot of the factory image, and the state is saved for
     * the next time. Either way the guest is then at its prompt in that state.
     */
    public void reach(SnapshotRecipe recipe) {
        snapshots.reach(this, recipe);
    }

    /** Resets the machine (QMP {@code system_reset}): QEMU exits ({@code -no-reboot}) and a new one boots. */
    public void reset() {
        QmpClient client = qmp();
        lines.resetting(true);
        client.systemReset();
    }

    /** Quits QEMU (QMP, then SIGKILL after the shutdown wait), closes serial.log. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            try {
                lifecycle.close();
            } finally {
                if (!ticker.isShutdown()) {
                    ticker.shutdownNow();
                    lines.ended();
                    console.close();
                    report.writeTimeline(awaits.qemuState(), accelerated());
                }
            }
        }
    }

    // ---- internals ----

    /** The QEMU in use was replaced or is gone: what watched it ends. */
    private void qemuReplaced() {
        cuts.cancelDiskWatch();
    }
}
