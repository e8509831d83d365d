package io.trialboot.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The pieces of one {@link QemuVm}, made from its config and wired to each other, and torn down in
 * order ({@link #close}). {@link QemuVm} is what a test calls; this is how the pieces fit.
 */
final class VmParts {
    final ConsoleRecorder console;
    final ConsoleTriggers lines;
    final ScheduledExecutorService ticker;
    final VmLifecycle lifecycle;
    final PowerCuts cuts;
    final FailureReport report;
    final ContractAwaits awaits;
    final Snapshots snapshots;
    final Keyboard keyboard;
    final DiskWrites disk;
    final VmDisk vmDisk;
    final VmPower power;
    final GuestPause pause;

    /** Creates the run directory and serial.log; no QEMU runs yet. */
    VmParts(VmConfig config, VmClock clock) throws IOException {
        Path runDir = config.runDir().toAbsolutePath();
        Files.createDirectories(runDir);
        this.console = new ConsoleRecorder(runDir.resolve("serial.log"));
        this.lines = new ConsoleTriggers(console, config.quietPeriod(), clock);
        this.ticker = lines.startFlushing("qemu-console-flush-" + runDir.getFileName(), config.quietPeriod());
        this.lifecycle = new VmLifecycle(config, console, lines, this::qemuReplaced);
        this.cuts = new PowerCuts(lines, ticker, lifecycle::process);
        this.report = new FailureReport(config, console);
        this.awaits = new ContractAwaits(config, console, lines, lifecycle, report, clock, cuts::fired);
        this.snapshots = new Snapshots(config, lifecycle, console, lines, awaits, cuts, clock);
        this.keyboard = new Keyboard(lifecycle, lines);
        this.disk = new DiskWrites(config, lifecycle);
        this.vmDisk = new VmDisk(disk, snapshots);
        this.power = new VmPower(lifecycle, cuts);
        this.pause = new GuestPause(lifecycle, lines, awaits);
    }

    /** Quits QEMU (QMP, then SIGKILL after the shutdown wait), closes serial.log, writes the timeline. Idempotent. */
    void close() {
        synchronized (lifecycle) {
            try {
                lifecycle.close();
            } finally {
                if (!ticker.isShutdown()) {
                    ticker.shutdownNow();
                    lines.ended();
                    console.close();
                    report.writeTimeline(awaits.qemuState(), lifecycle.accelerated());
                }
            }
        }
    }

    /** The QEMU in use was replaced or is gone: what watched it ends. */
    private void qemuReplaced() {
        cuts.cancelDiskWatch();
    }
}
