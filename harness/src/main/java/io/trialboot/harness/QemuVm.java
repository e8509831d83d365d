package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.markers.check.AwaitRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One guest under {@code qemu-system-riscv64}, booted from a fresh copy-on-write overlay over the
 * image's base disk, or started from a saved state ({@link #reach}). Its console becomes
 * timestamped, boot-indexed lines in {@code <runDir>/serial.log}; {@link #await(Contract)} runs the
 * contract matcher over them live. Close it to quit QEMU (QMP {@code quit}, then SIGKILL).
 *
 * <p>A facade over its pieces, which {@link VmParts} makes and wires: {@link VmLifecycle} (the QEMU
 * processes, one lock), {@link ConsoleTriggers}, {@link Keyboard}, {@link PowerCuts} (armed through {@link VmPower}), {@link GuestPause},
 * {@link ContractAwaits}, {@link FailureReport}, {@link Snapshots} and {@link DiskWrites} (seen through {@link VmDisk}).
 *
 * <p>A guest reset is a cold start: QEMU runs with {@code -no-reboot} and this VM starts a new QEMU
 * on the same overlay (docs/testing.md, "Reboots are cold starts"); the console, its boot count and
 * armed triggers go on. Successive awaits continue where the previous one stopped.
 */
public final class QemuVm implements AutoCloseable {

    private final VmConfig config;
    private final VmParts parts;

    private QemuVm(VmConfig config, VmParts parts) {
        this.config = config;
        this.parts = parts;
    }

    /** Creates the run directory and overlay, and boots QEMU. */
    public static QemuVm start(VmConfig config) {
        return begin(config, vm -> vm.parts.lifecycle.restartOn(config.image().disk()));
    }

    /** Boots the overlay already in the run directory, as a person or a test left it ({@code scripts/vm --resume}). */
    public static QemuVm resume(VmConfig config) {
        return begin(config, vm -> {
            if (!Files.isRegularFile(vm.overlay())) {
                throw new HarnessException(HarnessCode.CONFIG_INVALID, "no overlay to resume at " + vm.overlay());
            }
            vm.parts.lifecycle.launch(List.of());
        });
    }

    /** Creates the run directory and nothing else: no QEMU runs until {@link #reach}. */
    public static QemuVm prepare(VmConfig config) {
        return begin(config, vm -> {});
    }

    /** Creates the run directory and brings the guest to {@code recipe}'s state ({@link #reach}). */
    public static QemuVm start(VmConfig config, SnapshotRecipe recipe) {
        return begin(config, vm -> vm.reach(recipe));
    }

    /** A new VM, its run directory made, that {@code first} powers on; closed again when that fails. */
    private static QemuVm begin(VmConfig config, Consumer<QemuVm> first) {
        Objects.requireNonNull(config, "config");
        QemuVm vm;
        try {
            vm = new QemuVm(config, new VmParts(config, VmClock.SYSTEM));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run directory " + config.runDir(), e);
        }
        try {
            first.accept(vm);
        } catch (RuntimeException | Error e) {
            vm.close();
            throw e;
        }
        return vm;
    }

    public VmConfig config() {
        return config;
    }

    public Path runDir() {
        return config.runDir().toAbsolutePath();
    }

    /** The console log ({@code +SSSS.mmm boot=N | text} lines; {@code markers check} reads it). */
    public Path serialLog() {
        return parts.console.serialLog();
    }

    /** The copy-on-write overlay this VM writes to; the base disk is never written. */
    public Path overlay() {
        return parts.lifecycle.overlay();
    }

    /** Where {@link #await} writes the report of its last failure. */
    public Path reportFile() {
        return parts.report.reportFile();
    }

    /** The contracts this VM awaited, one {@link AwaitRecord} a line: the CI gate re-checks serial.log with them. */
    public Path contractsFile() {
        return parts.report.contractsFile();
    }

    /** Whether QEMU runs with KVM acceleration; false means TCG emulation, and timeouts may need scaling. */
    public boolean accelerated() {
        return parts.lifecycle.accelerated();
    }

    /** The per-run report, written when the VM is closed: boots, markers and contract steps on a time axis. */
    public Path timelineFile() {
        return parts.report.timelineFile();
    }

    /** Every console line so far, across boots and restarts. */
    public List<ConsoleLine> lines() {
        return parts.console.from(0);
    }

    /** The boot the console is in (1 after the first OpenSBI banner or restore; 0 before it). */
    public int currentBoot() {
        return parts.console.currentBoot();
    }

    /** The boot the guest is in: {@link #currentBoot}, or the next one while a QEMU just started (a reset's) is still silent. */
    public int latestBoot() {
        return parts.console.latestBoot();
    }

    /** Whether QEMU runs: true also while a guest reset starts a new QEMU. */
    public boolean isRunning() {
        return parts.lifecycle.isRunning();
    }

    /** QEMU's exit code, once it has exited (not for a guest reset: a new QEMU follows it). */
    public OptionalInt exitCode() {
        return parts.lifecycle.exitCode();
    }

    /** How many guest resets started a new QEMU. */
    public int relaunches() {
        return parts.lifecycle.relaunches();
    }

    /**
     * Types {@code command} and Enter at the guest console; the guest echoes it as a line of its own.
     * @throws IllegalArgumentException when it holds control characters (Ctrl-A would reach QEMU's monitor)
     */
    public void type(String command) {
        parts.keyboard.type(command);
    }

    /**
     * Waits until the console meets {@code contract} and returns what it captured; fails at once when
     * QEMU exits or a forbidden line appears.
     * @throws AssertionError with the matcher's report, QEMU's liveness and the serial.log path
     */
    public Map<String, String> await(Contract contract) {
        return parts.awaits.await(contract);
    }

    /** Waits for one catalog marker ({@code args} as in a contract) in the current boot, within {@code timeout} (scaled). */
    public Map<String, String> await(Marker marker, Duration timeout, String... args) {
        return parts.awaits.await(marker, timeout, args);
    }

    /**
     * Hands the console to a person (scripts/vm): QEMU's output goes to {@code terminal}, every byte of
     * {@code keyboard} to the console (Ctrl-A X quits QEMU). Returns QEMU's exit code once it exited.
     */
    public int attach(InputStream keyboard, OutputStream terminal) {
        Terminal.attach(keyboard, terminal, parts.lifecycle, parts.lines, parts.console);
        return exitCode().orElse(-1);
    }

    /** Cuts the power now: SIGKILL to QEMU, nothing flushed. {@link #restart()} boots it again. */
    public void powerCut() {
        parts.lifecycle.powerCut();
    }

    /** The power cuts a test arms on this VM. */
    public VmPower power() {
        return parts.power;
    }

    /**
     * Types {@code command} from the console thread right after {@code marker} (with {@code args} as in
     * a contract) is printed (one-shot; lines already printed do not fire it; nothing is typed into an
     * exited QEMU).
     */
    public void typeAfter(Marker marker, String command, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        parts.keyboard.typeWhen(text -> pattern.match(text, Map.of()).isPresent(), command);
    }

    /**
     * Hot-plugs {@code rawImage} read-only as USB update media ({@code /dev/sda} in the guest); it stays
     * in across resets, power cuts and snapshots. Needs {@link VmConfig#hotplugPort()} and no boot media.
     */
    public void plugMedia(Path rawImage) {
        parts.lifecycle.plugMedia(rawImage);
    }

    /** Pulls the hot-plugged media out. */
    public void unplugMedia() {
        parts.lifecycle.unplugMedia();
    }

    /** Boots QEMU again on the same overlay after it exited or lost power. */
    public void restart() {
        parts.cuts.clear();
        parts.awaits.restarting();
        parts.lifecycle.restart();
    }

    /** Boots QEMU again on a fresh overlay over the base disk, in the same run (the boot count goes on). */
    public void restartFromFactory() {
        parts.cuts.clear();
        parts.awaits.restarting();
        parts.lifecycle.restartOn(config.image().disk());
    }

    /** The QMP client of the running QEMU, connected on first use. */
    public QmpClient qmp() {
        return parts.lifecycle.qmp();
    }

    /** Where each vCPU of the running QEMU is now (QMP {@code info registers -a}). */
    public VcpuSnapshot vcpuSnapshot() {
        return parts.awaits.vcpuSnapshot();
    }

    /**
     * Brings the guest to {@code recipe}'s state, at its prompt: restored from the snapshot cache (a
     * restore line opens a new boot), or, saying why, by its steps from its parent's state or a cold
     * boot, then saved (see {@link Snapshots}). A state is made once per cache: while another VM, in
     * this JVM or another, makes it, this one waits for it and restores it ({@link MadeOnce}).
     */
    public void reach(SnapshotRecipe recipe) {
        parts.snapshots.reach(this, recipe, false);
    }

    /**
     * {@link #reach}, except that when the cache lacks the state and the guest is in its parent's
     * state now (the last reach left it there, and nothing was typed, cut or restarted since; a state
     * paused in an operation goes on from its pause), the steps run on from here instead of from a
     * restore of the parent. The state's saved disk then holds the writes since the VM's last
     * restore or cold boot, not only its steps' ({@link SavedState#partitionsWritten}).
     */
    public void reachOnward(SnapshotRecipe recipe) {
        parts.snapshots.reach(this, recipe, true);
    }

    /** The guest's disk as a test looks at it: the partitions written, a partition against a saved state's. */
    public VmDisk disk() {
        return parts.vmDisk;
    }

    /** What this VM knows of {@code recipe}'s state without reaching it (made or restored here, or cached); nothing runs. */
    public Optional<SavedState> saved(SnapshotRecipe recipe) {
        return parts.snapshots.saved(recipe, parts.disk);
    }

    /** Pauses the guest (QMP {@code stop}) at the first complete console line {@code line} accepts; completes once stopped. */
    public CompletableFuture<Void> pauseWhen(Predicate<String> line) {
        return parts.pause.when(line);
    }

    /** Resets the machine (QMP {@code system_reset}): QEMU exits ({@code -no-reboot}) and a new one boots. */
    public void reset() {
        QmpClient client = qmp();
        parts.lines.resetting(true);
        client.systemReset();
    }

    /** Quits QEMU (QMP, then SIGKILL after the shutdown wait), closes serial.log. Idempotent. */
    @Override
    public void close() {
        parts.close();
    }
}
