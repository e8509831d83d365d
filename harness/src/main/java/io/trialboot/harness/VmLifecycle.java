package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The QEMU processes of one VM, one at a time, under one lock (this object's): the launch, a restart
 * on the same overlay or on a fresh one, the relaunch after a guest reset, a launch that loads a
 * saved state, and close. QEMU runs with {@code -no-reboot}: when the guest resets, QEMU exits and a
 * new QEMU boots the same overlay (a cold reset, see {@link QemuVm}). Hot-plugged media stays in
 * every new QEMU until it is unplugged.
 */
final class VmLifecycle {
    static final Duration CONSOLE_DRAIN = Duration.ofSeconds(2);
    private static final Duration RELAUNCH_POLL = Duration.ofMillis(20);

    private final VmConfig config;
    private final Path runDir;
    private final Path overlay;
    private final QmpSocket qmp;
    private final MediaPort media;
    private final ConsoleRecorder recorder;
    private final ConsoleTriggers console;
    /** Runs whenever the QEMU in use is replaced or gone for good (ends what watched the old one). */
    private final Runnable qemuReplaced;
    /** Where QEMU runs (this host, or a container); made by the first launch, closed after QEMU. */
    private QemuLauncher launcher;
    /** Read without the lock: the console thread must never wait for it (close() holds it while joining). */
    private volatile QemuProcess process;
    /** QEMU exited for a guest reset and a new one is being started ({@link #relaunchAfterReset}). */
    private volatile boolean relaunching;
    /** Read without the lock: a terminal's console thread asks it before it shows a new QEMU's bytes. */
    private volatile int relaunches;
    private boolean closed;
    /** The base disk or snapshot disk the overlay was made over ({@link #freshOverlay}); null when not made here. */
    private volatile Path base;
    /** Whether QEMU's command line asks for KVM; a riscv64 guest on another host architecture is emulated (TCG). */
    private volatile boolean accelerated;

    VmLifecycle(VmConfig config, ConsoleRecorder recorder, ConsoleTriggers console, Runnable qemuReplaced)
            throws IOException {
        this.config = config;
        this.runDir = config.runDir().toAbsolutePath();
        this.recorder = recorder;
        this.console = console;
        this.qemuReplaced = qemuReplaced;
        this.overlay = runDir.resolve("overlay.qcow2");
        this.qmp = new QmpSocket(runDir, config.scale());
        this.media = new MediaPort(config);
    }

    Path overlay() {
        return overlay;
    }

    /** The directory of the QMP socket: short enough for more sockets beside it. */
    Path socketDir() {
        return qmp.dir();
    }

    boolean accelerated() {
        return accelerated;
    }

    /** The media in the hot-plug port now, if any. */
    synchronized Optional<Path> pluggedMedia() {
        return media.media();
    }

    /** The QEMU in use (possibly exited); null before the first launch. */
    QemuProcess process() {
        return process;
    }

    /** A new copy-on-write overlay over {@code base} (raw, or a snapshot's qcow2 disk), replacing any earlier one. */
    synchronized void freshOverlay(Path base) {
        try {
            Files.deleteIfExists(overlay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + overlay, e);
        }
        Overlay.create(config.qemuImgBinary(), base, overlay);
        this.base = base.toAbsolutePath();
    }

    Optional<Path> base() {
        return Optional.ofNullable(base);
    }

    /** Starts QEMU on the overlay, with {@code extra} arguments (a saved state to load) for this launch only. */
    synchronized void launch(List<String> extra) {
        List<String> argv = new ArrayList<>(QemuCommand.argv(config, overlay, qmp.path(), media.media()));
        argv.addAll(extra);
        accelerated = QemuCommand.asksForKvm(argv);
        try {
            qmp.clear();
            Files.write(runDir.resolve("qemu-cmdline.txt"), List.of(String.join(" ", argv)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + runDir, e);
        }
        if (launcher == null) launcher = QemuLauncher.of(config, List.of(runDir, qmp.dir()));
        console.resetting(false);
        recorder.launched();
        process = QemuProcess.start(launcher, argv, runDir, console::onBytes, this::onConsoleEnd);
    }

    /** Ends the QEMU in use and what watched it, before a new one: {@link #restart} or a launch from a snapshot. */
    synchronized void replace(String what) {
        if (closed) throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "the VM is closed");
        if (process != null && process.alive()) {
            throw new IllegalStateException("QEMU is still running: powerCut() or let it exit before " + what);
        }
        relaunching = false; // this launch is the one a pending guest reset would have made
        qemuReplaced.run();
        qmp.disconnect();
    }

    /** Boots QEMU again on the same overlay after it exited or lost power. */
    synchronized void restart() {
        replace("restart()");
        launch(List.of());
    }

    /** Boots QEMU again on a fresh overlay over {@code base} after it exited or lost power. */
    synchronized void restartOn(Path base) {
        if (process != null) replace("a restart on a fresh overlay");
        freshOverlay(base);
        launch(List.of());
    }

    /** Whether QEMU runs: true also while a guest reset starts a new QEMU. */
    boolean isRunning() {
        QemuProcess p = process;
        if (p == null) return false;
        if (p.alive()) return true;
        p.drainConsole(CONSOLE_DRAIN); // its console end says whether this exit was a guest reset
        QemuProcess now = process;
        return relaunching || (now != p && now.alive());
    }

    /** QEMU's exit code, once it has exited (not for a guest reset: a new QEMU follows it). */
    OptionalInt exitCode() {
        QemuProcess p = process;
        return p == null || isRunning() ? OptionalInt.empty() : process.exitCode();
    }

    int relaunches() {
        return relaunches;
    }

    /** SIGKILL to QEMU; a guest reset under way is cancelled (the new QEMU never starts). */
    void powerCut() {
        synchronized (this) {
            if (relaunching) {
                relaunching = false;
                return;
            }
        }
        QemuProcess p = liveProcess("cut the power");
        p.kill();
        awaitExit(p);
        synchronized (this) {
            if (process == p) relaunching = false; // a reset line came before the cut: no new QEMU follows a killed one
        }
    }

    /** The QMP client of the running QEMU, connected on first use. */
    synchronized QmpClient qmp() {
        liveProcess("use QMP");
        return qmp.client();
    }

    /** Whether QEMU has (or had) a QMP socket to ask. */
    synchronized boolean hasQmp() {
        return qmp.present();
    }

    /** Hot-plugs media (see {@link QemuVm#plugMedia}). */
    synchronized void plugMedia(Path rawImage) {
        media.plug(rawImage, this::qmp);
    }

    /** Pulls the hot-plugged media out. */
    synchronized void unplugMedia() {
        media.unplug(qmp());
    }

    /** The next QEMU boots with {@code next} in the hot-plug port (a snapshot's), or with none. */
    synchronized void mediaForNextLaunch(Optional<Path> next) {
        media.setForNextLaunch(next);
    }

    /** Quits QEMU (QMP, then SIGKILL after the shutdown wait). Idempotent. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (process != null) {
                if (process.alive() && (!qmp.askToQuit() || !process.exitedWithin(config.shutdownWait()))) process.kill();
                awaitExit(process); // also lets the console thread take QEMU's last lines
            }
        } finally {
            qemuReplaced.run();
            qmp.disconnect();
            if (launcher != null) launcher.close();
            qmp.deleteDir();
        }
    }

    /** The live QEMU, after a pending reset relaunch; fails naming {@code what} could not be done. */
    QemuProcess liveProcess(String what) {
        awaitRelaunch();
        QemuProcess p = process;
        if (closed || p == null || !p.alive()) {
            String state = closed ? "the VM is closed"
                    : "QEMU exited" + (p == null ? "" : " with code " + p.exitCode().orElse(-1));
            throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "cannot " + what + ": " + state + "; console in "
                    + recorder.serialLog());
        }
        return p;
    }

    /** QEMU is gone and its console reader has taken everything it printed. */
    boolean consoleEnded() throws InterruptedException {
        QemuProcess p = process;
        if (p == null || p.alive()) return false;
        p.awaitConsoleEnd(CONSOLE_DRAIN);
        return !relaunching && process == p;
    }

    /** Waits (bounded) until a pending guest-reset relaunch has started its QEMU or given up. */
    void awaitRelaunch() {
        try {
            Awaitility.await("a guest reset's new QEMU").pollInSameThread().atMost(config.shutdownWait().plusSeconds(10))
                    .pollDelay(Duration.ZERO).pollInterval(RELAUNCH_POLL).until(() -> !relaunching);
        } catch (ConditionTimeoutException e) {
            // the caller finds no live QEMU and says so
        }
    }

    /** Waits until {@code p} has exited and its console reader has taken its last output. */
    private void awaitExit(QemuProcess p) {
        p.awaitExit(config.shutdownWait().plusSeconds(5), CONSOLE_DRAIN);
    }

    private void onConsoleEnd(QemuProcess ended) {
        boolean reset = console.ended();
        if (reset && ended == process) {
            relaunching = true; // before the console thread ends: isRunning() joins it, then reads this
            Thread t = new Thread(() -> relaunchAfterReset(ended), "qemu-relaunch-" + runDir.getFileName());
            t.setDaemon(true);
            t.start();
        }
        recorder.wake();
    }

    /**
     * The guest reset and QEMU ({@code -no-reboot}) is exiting: once it has exited with code 0, a new
     * QEMU boots the same overlay. Not when it was killed (a power cut that came with the reset),
     * when the VM was closed, or when powerCut() or restart() took over meanwhile.
     */
    private void relaunchAfterReset(QemuProcess ended) {
        try {
            boolean exited = ended.waitFor(config.shutdownWait().plusSeconds(5));
            synchronized (this) {
                if (!relaunching || closed || !exited || process != ended || ended.exitCode().orElse(-1) != 0) return;
                qemuReplaced.run();
                qmp.disconnect();
                recorder.launched(); // the new boot counts from here (latestBoot), as the relaunch does
                relaunches++; // counted before the new QEMU's first byte, so a terminal's boot line comes first
                try {
                    launch(List.of());
                } catch (RuntimeException e) {
                    relaunches--;
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("trialboot: the guest reset but QEMU could not be started again: " + e.getMessage());
        } finally {
            relaunching = false;
            recorder.wake();
        }
    }
}
