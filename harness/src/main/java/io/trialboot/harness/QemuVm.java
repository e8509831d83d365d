package io.trialboot.harness;

import io.trialboot.harness.qmp.QmpClient;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One guest under {@code qemu-system-riscv64}, booted from a fresh copy-on-write overlay over the
 * image's base disk. Its console (the pty) becomes timestamped, boot-indexed lines in
 * {@code <runDir>/serial.log}; {@link #await(Contract)} runs the contract matcher over them live and
 * ends at once when QEMU exits or a forbidden line appears. {@link #powerCut()} and
 * {@link #restart()} inject power loss on the same overlay. Close it to quit QEMU (QMP
 * {@code quit}, then SIGKILL after {@link VmConfig#shutdownWait()}).
 *
 * <p>A guest reset is a cold start: QEMU runs with {@code -no-reboot}, so when the guest resets
 * (the kernel's {@code reboot: Restarting system}, a panic's {@code Rebooting in N seconds}, or
 * {@link #reset()}) QEMU exits and this VM starts a new QEMU on the same overlay at once. QEMU 7.2's
 * in-process warm reset under TCG now and then left the guest silent after OpenSBI's banner
 * (docs/testing.md, "Reboots are cold starts"); a new process resets every device and hart, as a
 * real reset does. The console, its boot count and armed triggers go on across it; a running
 * {@link #powerCutAfterDiskWrites} watch and hot-plugged media end with the old QEMU.
 *
 * <p>Successive awaits continue where the previous one stopped: each consumes the console up to
 * the line that met its last step, and its first step's timeout counts from the moment it is called.
 */
public final class QemuVm implements AutoCloseable {
    /** Unix socket paths are limited to 107 bytes; deeper run directories put the socket in /tmp. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CONSOLE_DRAIN = Duration.ofSeconds(2);
    /** What the guest prints as it resets: the kernel's restart, or a panic's countdown to one. */
    private static final Pattern RESET_LINE = Pattern.compile("reboot: Restarting system|Rebooting in [0-9]+ seconds");
    private static final long DISK_POLL_MS = 10;

    private final VmConfig config;
    private final Path overlay;
    private final Path qmpSocket;
    private final Path qmpTempDir;
    private final ConsoleRecorder console;
    private final LineAssembler assembler;
    private final ScheduledExecutorService ticker;
    private final long startNanos = System.nanoTime();

    /** Where QEMU runs (this host, or a container); made by the first launch, closed after QEMU. */
    private QemuLauncher launcher;
    /** Read without the VM's lock: the console thread must never wait for it (close() holds it while joining). */
    private volatile QemuProcess process;
    /** A person's terminal the console is copied to, once {@link #attach} handed it over. */
    private volatile OutputStream attached;
    private QmpClient qmp;
    /** One-shot actions run by the console thread when a line completes; guarded by the assembler's lock. */
    private final List<Trigger> triggers = new ArrayList<>();
    private boolean powerCutFired;
    /** The console has said the guest resets since the last banner (or reset() asked); guarded by the assembler's lock. */
    private boolean resetting;
    /** QEMU exited for a guest reset and a new one is being started ({@link #relaunchAfterReset}). */
    private volatile boolean relaunching;
    private int relaunches;
    private int cursor;
    private boolean closed;
    private ScheduledFuture<?> diskWatch;
    private final List<Timeline.Mark> marks = new CopyOnWriteArrayList<>();
    /** Whether QEMU's command line asks for KVM; a riscv64 guest on another host architecture is emulated (TCG). */
    private volatile boolean accelerated;
    private int mediaPlugs;
    /** The media {@link #plugMedia} put in and {@link #unplugMedia} has not taken out: every new QEMU gets it. */
    private Path pluggedMedia;
    private final LiveAwait.Console liveConsole = new LiveAwait.Console() {
        @Override
        public List<ConsoleLine> from(int from) {
            return console.from(from);
        }

        @Override
        public Duration now() {
            return elapsed();
        }

        @Override
        public boolean ended() throws InterruptedException {
            return consoleEnded();
        }

        @Override
        public void awaitMore(int seen) throws InterruptedException {
            console.awaitMore(seen, POLL);
        }
    };

    private QemuVm(VmConfig config, boolean fresh) throws IOException {
        this.config = config;
        Path runDir = config.runDir().toAbsolutePath();
        Files.createDirectories(runDir);
        this.overlay = runDir.resolve("overlay.qcow2");
        if (fresh) freshOverlay();
        else if (!Files.isRegularFile(overlay)) throw new HarnessException(HarnessCode.CONFIG_INVALID, "no overlay to resume at " + overlay);
        Path socket = runDir.resolve("qmp.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            qmpTempDir = Files.createTempDirectory("trialboot-qmp");
            socket = qmpTempDir.resolve("qmp.sock");
        } else {
            qmpTempDir = null;
        }
        this.qmpSocket = socket;
        this.console = new ConsoleRecorder(runDir.resolve("serial.log"));
        this.assembler = new LineAssembler(config.quietPeriod().toNanos());
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qemu-console-flush-" + runDir.getFileName());
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, config.quietPeriod().toMillis() / 3);
        ticker.scheduleAtFixedRate(this::flushQuietPrompt, period, period, TimeUnit.MILLISECONDS);
    }

    /** Creates the run directory and overlay, and boots QEMU. */
    public static QemuVm start(VmConfig config) {
        return boot(config, true);
    }

    /**
     * Boots the overlay already in the run directory: a device a person or a test left, as it was
     * ({@code scripts/vm --resume} and {@code --from}).
     */
    public static QemuVm resume(VmConfig config) {
        return boot(config, false);
    }

    private static QemuVm boot(VmConfig config, boolean fresh) {
        Objects.requireNonNull(config, "config");
        QemuVm vm;
        try {
            vm = new QemuVm(config, fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run directory " + config.runDir(), e);
        }
        try {
            vm.launch();
        } catch (RuntimeException e) {
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
        return console.serialLog();
    }

    /** The copy-on-write overlay this VM writes to; the base disk is never written. */
    public Path overlay() {
        return overlay;
    }

    /** Where {@link #await} writes the report of its last failure. */
    public Path reportFile() {
        return runDir().resolve("contract-report.txt");
    }

    /** The contracts this VM awaited, one {@link AwaitRecord} a line: the CI gate re-checks serial.log with them. */
    public Path contractsFile() {
        return runDir().resolve(AwaitRecord.FILE);
    }

    /** Whether QEMU runs with KVM acceleration; false means TCG emulation, and timeouts may need scaling. */
    public boolean accelerated() {
        return accelerated;
    }

    /** The per-run report, written when the VM is closed: boots, markers and contract steps on a time axis. */
    public Path timelineFile() {
        return runDir().resolve("timeline.html");
    }

    /** Every console line so far, across boots and restarts. */
    public List<ConsoleLine> lines() {
        return console.from(0);
    }

    /** The boot the console is in (1 after the first OpenSBI banner; 0 before it). */
    public int currentBoot() {
        return console.currentBoot();
    }

    /** Whether QEMU runs: true also while a guest reset starts a new QEMU. */
    public boolean isRunning() {
        QemuProcess p = process;
        if (p == null) return false;
        if (p.alive()) return true;
        drain(p); // its console end says whether this exit was a guest reset
        QemuProcess now = process;
        return relaunching || (now != p && now.alive());
    }

    /** QEMU's exit code, once it has exited (not for a guest reset: a new QEMU follows it). */
    public OptionalInt exitCode() {
        QemuProcess p = process;
        return p == null || isRunning() ? OptionalInt.empty() : process.exitCode();
    }

    /** How many guest resets started a new QEMU. */
    public synchronized int relaunches() {
        return relaunches;
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
        QemuProcess p = liveProcess("type '" + command + "'");
        try {
            p.write(bytes);
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
        LiveAwait.Outcome outcome;
        int from = cursor;
        Duration start = elapsed().truncatedTo(ChronoUnit.MILLIS);
        try {
            outcome = LiveAwait.run(contract, config.scale().factor(), from, liveConsole);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while waiting for contract '"
                    + contract.name() + "'; console so far in " + serialLog(), e);
        }
        ContractMatcher matcher = outcome.matcher();
        Map<ConsoleLine, ConsoleLine> real = outcome.real();
        int next = outcome.next();
        cursor = next;
        ConsoleLine now = new ConsoleLine(elapsed().truncatedTo(ChronoUnit.MILLIS), console.currentBoot(),
                "(" + matcher.failure().map(f -> f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')).orElse("met") + ")");
        marks.addAll(Timeline.marks(matcher, real::get, start, now));
        recordAwait(AwaitRecord.of(matcher, from, start.toMillis(), config.scale().factor()));
        if (matcher.passed()) return matcher.captures();
        throw failure(matcher.failure().orElseThrow(), next);
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
        attached = terminal;
        Thread typist = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                for (int n = keyboard.read(buf); n >= 0; n = keyboard.read(buf)) {
                    awaitRelaunch();
                    QemuProcess p = process;
                    if (p == null || !p.alive()) {
                        return;
                    }
                    p.write(java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // the terminal closed: stop typing, QEMU goes on until it is quit or closed
            }
        }, "terminal-keyboard");
        typist.setDaemon(true);
        typist.start();
        try {
            while (!consoleEnded()) {
                console.awaitMore(console.size(), POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            attached = null;
        }
        return exitCode().orElse(-1);
    }

    /** Cuts the power now: SIGKILL to QEMU, nothing flushed. {@link #restart()} boots it again. */
    public void powerCut() {
        synchronized (this) {
            if (relaunching) {
                relaunching = false; // the power goes while the guest resets: the new QEMU never starts
                return;
            }
        }
        QemuProcess p = liveProcess("cut the power");
        p.kill();
        awaitExit(p);
    }

    /**
     * Arms a power cut for the first console line that {@code line} accepts: QEMU is killed from the
     * console thread the moment that line is complete. Output QEMU had already written to the pty
     * still arrives; the guest itself runs no further.
     */
    public void powerCutWhen(Predicate<String> line) {
        Objects.requireNonNull(line, "line");
        synchronized (assembler) {
            powerCutFired = false;
            triggers.add(new Trigger(line, () -> {
                powerCutFired = true;
                QemuProcess p = process;
                if (p != null) p.kill();
            }));
        }
    }

    /**
     * Arms a power cut {@code delay} after the first console line that {@code line} accepts: a
     * seeded random delay lands the cut anywhere in the work that follows a line. The QEMU running
     * when the line completes is the one killed (never one started later by {@link #restart()});
     * {@link #powerCutFired()} turns true when it is. A zero delay is {@link #powerCutWhen(Predicate)}.
     */
    public void powerCutWhen(Predicate<String> line, Duration delay) {
        Objects.requireNonNull(line, "line");
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative: " + delay);
        if (delay.isZero()) {
            powerCutWhen(line);
            return;
        }
        synchronized (assembler) {
            powerCutFired = false;
            triggers.add(new Trigger(line, () -> {
                QemuProcess target = process;
                ticker.schedule(() -> {
                    if (target != null && target.alive()) {
                        synchronized (assembler) {
                            powerCutFired = true;
                        }
                        target.kill();
                    }
                }, delay.toNanos(), TimeUnit.NANOSECONDS);
            }));
        }
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
        synchronized (assembler) {
            triggers.add(new Trigger(line, () -> {
                QemuProcess p = process;
                try {
                    if (p != null && p.alive()) p.write(bytes);
                } catch (IOException e) {
                    // QEMU went away as the line arrived: the await reports its exit
                }
            }));
        }
    }

    /** Types {@code command} right after {@code marker} (with {@code args} as in a contract) is printed. */
    public void typeAfter(Marker marker, String command, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        typeWhen(text -> pattern.match(text, Map.of()).isPresent(), command);
    }

    /** Whether an armed power cut has killed the current QEMU (a restart clears it). */
    public boolean powerCutFired() {
        synchronized (assembler) {
            return powerCutFired;
        }
    }

    /**
     * Arms a power cut for when the guest has written at least {@code bytes} to its disk since this
     * QEMU started (QMP {@code query-blockstats}, polled every {@value #DISK_POLL_MS} ms, so the cut
     * lands within one poll of the threshold). Ends with the VM or with {@link #restart()}.
     */
    public synchronized void powerCutAfterDiskWrites(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive: " + bytes);
        cancelDiskWatch();
        QemuProcess target = liveProcess("arm a power cut");
        QmpClient client = qmp();
        diskWatch = ticker.scheduleWithFixedDelay(() -> {
            try {
                if (target.alive() && writtenBytes(client.execute("query-blockstats"), "disk0") >= bytes) {
                    synchronized (assembler) {
                        powerCutFired = true;
                    }
                    target.kill();
                }
            } catch (HarnessException e) {
                // QEMU went away under the poll: nothing left to cut
            }
            if (!target.alive()) throw new CancellationException("QEMU exited"); // ends the schedule
        }, 0, DISK_POLL_MS, TimeUnit.MILLISECONDS);
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

    /**
     * Hot-plugs {@code rawImage} read-only as the update media ({@code media0}, USB mass storage on
     * the xHCI controller; the guest sees {@code /dev/sda}). It stays in until {@link #unplugMedia()},
     * across guest resets and power cuts. Needs {@link VmConfig#hotplugPort()} and no media attached at boot: the
     * boot-time media sits on virtio-mmio, which QEMU cannot unplug. The guest kernel needs PCIe
     * hot-plug and virtio-pci to see it.
     */
    public synchronized void plugMedia(Path rawImage) {
        if (!config.hotplugPort() || config.attachMedia()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID,
                    "plugMedia needs hotplugPort(true) and attachMedia(false) (@QemuTest(hotplugPort = true, media = false))");
        }
        if (!Files.isRegularFile(rawImage)) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "no media image at " + rawImage);
        }
        String node = QemuCommand.MEDIA_ID + "-node" + (++mediaPlugs);
        qmp().blockdevAddReadOnlyRaw(node, rawImage);
        qmp().deviceAdd("usb-storage", QemuCommand.MEDIA_ID, Map.of("drive", node, "bus", QemuCommand.HOTPLUG_PORT + ".0"));
        pluggedMedia = rawImage;
    }

    /**
     * Pulls the hot-plugged media out (USB: gone at once). Until then it stays in across guest
     * resets and power cuts: the QEMU that {@link #restart()} or a reset starts boots with it.
     */
    public synchronized void unplugMedia() {
        qmp().deviceDel(QemuCommand.MEDIA_ID);
        pluggedMedia = null;
    }

    /** Boots QEMU again on the same overlay after it exited or lost power. */
    public synchronized void restart() {
        if (closed) throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "the VM is closed");
        if (process != null && process.alive()) {
            throw new IllegalStateException("QEMU is still running: powerCut() or let it exit before restart()");
        }
        relaunching = false; // this launch is the one a pending guest reset would have made
        cancelDiskWatch();
        closeQmp();
        synchronized (assembler) {
            powerCutFired = false;
        }
        launch();
    }

    /**
     * Boots QEMU again on a fresh overlay over the base disk, after it exited or lost power: the
     * device as it left the factory, in the same run (the console and its boot count go on).
     */
    public synchronized void restartFromFactory() {
        if (process != null && process.alive()) {
            throw new IllegalStateException("QEMU is still running: powerCut() or let it exit before restartFromFactory()");
        }
        try {
            freshOverlay();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
    }

    /** A new copy-on-write overlay over the base disk, replacing any earlier one. */
    private void freshOverlay() throws IOException {
        Files.deleteIfExists(overlay);
        Overlay.create(config.qemuImgBinary(), config.image().disk(), overlay);
    }

    /** The QMP client of the running QEMU, connected on first use. */
    public synchronized QmpClient qmp() {
        liveProcess("use QMP");
        return connectQmp();
    }

    /** Where each vCPU of the running QEMU is now (QMP {@code info registers -a}). */
    public VcpuSnapshot vcpuSnapshot() {
        Object text = qmp().execute("human-monitor-command", Map.of("command-line", "info registers -a"));
        return VcpuSnapshot.parse(String.valueOf(text));
    }

    private synchronized QmpClient connectQmp() {
        if (qmp == null) qmp = QmpClient.connect(qmpSocket, config.scale().scale(QMP_TIMEOUT));
        return qmp;
    }

    /** Resets the machine (QMP {@code system_reset}): QEMU exits ({@code -no-reboot}) and a new one boots. */
    public void reset() {
        QmpClient client = qmp();
        synchronized (assembler) {
            resetting = true;
        }
        client.systemReset();
    }

    /** Quits QEMU (QMP, then SIGKILL after the shutdown wait), closes serial.log. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (process != null) {
                if (process.alive() && (!askToQuit() || !waitFor(process, config.shutdownWait()))) process.kill();
                awaitExit(process); // also lets the console thread take QEMU's last lines
            }
        } finally {
            cancelDiskWatch();
            closeQmp();
            if (launcher != null) launcher.close();
            ticker.shutdownNow();
            synchronized (assembler) {
                flushRest();
            }
            console.close();
            deleteTempSocketDir();
            writeTimeline();
        }
    }

    // ---- internals ----

    private record Trigger(Predicate<String> line, Runnable action) {}

    private void recordAwait(AwaitRecord r) {
        try {
            Files.writeString(contractsFile(), r.format() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + contractsFile(), e);
        }
    }

    private void writeTimeline() {
        QemuProcess p = process;
        String state = p == null ? "QEMU never started" : p.alive() ? "QEMU running" : "QEMU exited with code " + p.exitCode().orElse(-1);
        String outcome = state + "; " + marks.stream().filter(m -> !m.failed()).count() + " contract steps met, "
                + marks.stream().filter(Timeline.Mark::failed).count() + " failed; console: " + serialLog();
        Timeline.Page page = new Timeline.Page(runDir().getParent().getFileName() + " / " + runDir().getFileName(), outcome,
                config.scale().toString(), accelerated);
        try {
            Files.writeString(timelineFile(), Timeline.html(page, lines(), marks), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + timelineFile(), e);
        }
    }

    /** Whether {@code argv} asks QEMU for KVM ({@code -enable-kvm}, {@code -accel kvm}, {@code accel=kvm}). */
    static boolean asksForKvm(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-enable-kvm") || a.contains("accel=kvm")
                    || (a.equals("-accel") && i + 1 < argv.size() && argv.get(i + 1).startsWith("kvm"))) {
                return true;
            }
        }
        return false;
    }

    /** QMP {@code quit}, when QEMU has a QMP socket; false when it could not be asked. */
    private boolean askToQuit() {
        if (qmp == null && !Files.exists(qmpSocket)) return false;
        try {
            connectQmp().quit(); // not qmp(): close() has already marked the VM closed
            return true;
        } catch (HarnessException e) {
            return false; // QMP unusable: the caller kills QEMU
        }
    }

    private synchronized void launch() {
        List<String> argv = QemuCommand.argv(config, overlay, qmpSocket, Optional.ofNullable(pluggedMedia));
        accelerated = asksForKvm(argv);
        try {
            Files.deleteIfExists(qmpSocket);
            Files.write(runDir().resolve("qemu-cmdline.txt"), List.of(String.join(" ", argv)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + runDir(), e);
        }
        if (launcher == null) launcher = launcher();
        synchronized (assembler) {
            resetting = false;
        }
        process = QemuProcess.start(launcher, argv, runDir(), this::onConsoleBytes, this::onConsoleEnd);
    }

    /** In a container, the image's directories are mounted read-only and the run and socket directories read-write. */
    private QemuLauncher launcher() {
        if (config.containerImage().isEmpty()) return QemuLauncher.LOCAL;
        GuestImage img = config.image();
        List<Path> readOnly = new ArrayList<>(List.of(img.kernel().getParent(), img.initrd().getParent(), img.disk().getParent()));
        img.media().ifPresent(m -> readOnly.add(m.getParent()));
        return ContainerLauncher.start(config.containerImage().get(), readOnly,
                List.of(runDir(), qmpSocket.toAbsolutePath().getParent()), runDir());
    }

    private void onConsoleBytes(byte[] buf, int len) {
        OutputStream terminal = attached;
        if (terminal != null) {
            try {
                terminal.write(buf, 0, len);
                terminal.flush();
            } catch (IOException e) {
                attached = null; // the person's terminal went away; the log goes on
            }
        }
        synchronized (assembler) {
            for (String text : assembler.accept(buf, len, System.nanoTime())) record(text);
        }
    }

    private void onConsoleEnd(QemuProcess ended) {
        boolean reset;
        synchronized (assembler) {
            flushRest();
            reset = resetting;
        }
        if (reset && ended == process) {
            relaunching = true; // before the console thread ends: isRunning() joins it, then reads this
            Thread t = new Thread(() -> relaunchAfterReset(ended), "qemu-relaunch-" + runDir().getFileName());
            t.setDaemon(true);
            t.start();
        }
        console.wake();
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
                cancelDiskWatch();
                closeQmp();
                launch();
                relaunches++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("trialboot: the guest reset but QEMU could not be started again: " + e.getMessage());
        } finally {
            relaunching = false;
            console.wake();
        }
    }

    /** Waits (bounded) until a pending guest-reset relaunch has started its QEMU or given up. */
    private void awaitRelaunch() {
        long deadline = System.nanoTime() + config.shutdownWait().plusSeconds(10).toNanos();
        while (relaunching && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lets {@code p}'s console reader take QEMU's last output (bounded). */
    private static void drain(QemuProcess p) {
        try {
            p.awaitConsoleEnd(CONSOLE_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushQuietPrompt() {
        synchronized (assembler) {
            assembler.flushIfQuiet(System.nanoTime()).ifPresent(this::record);
        }
    }

    private void flushRest() {
        assembler.finish().ifPresent(this::record);
    }

    /** Called with the assembler's lock held. */
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

    private QemuProcess currentProcess() {
        return process;
    }

    private QemuProcess liveProcess(String what) {
        awaitRelaunch();
        QemuProcess p = currentProcess();
        if (closed || p == null || !p.alive()) {
            String state = closed ? "the VM is closed"
                    : "QEMU exited" + (p == null ? "" : " with code " + p.exitCode().orElse(-1));
            throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "cannot " + what + ": " + state + "; console in " + serialLog());
        }
        return p;
    }

    /** QEMU is gone and its console reader has taken everything it printed. */
    private boolean consoleEnded() throws InterruptedException {
        QemuProcess p = currentProcess();
        if (p == null || p.alive()) return false;
        p.awaitConsoleEnd(CONSOLE_DRAIN);
        return !relaunching && process == p;
    }

    private void awaitExit(QemuProcess p) {
        try {
            if (!waitFor(p, config.shutdownWait().plusSeconds(5))) {
                throw new HarnessException(HarnessCode.EXEC_TIMEOUT, "QEMU (pid " + p.pid() + ") did not exit "
                        + config.shutdownWait().plusSeconds(5) + " after being told to");
            }
            p.awaitConsoleEnd(CONSOLE_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while waiting for QEMU to exit", e);
        }
    }

    private static boolean waitFor(QemuProcess p, Duration d) {
        try {
            return p.waitFor(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private AssertionError failure(ContractFailure f, int consumed) {
        QemuProcess p = currentProcess();
        String liveness = p != null && p.alive()
                ? "QEMU still running" + (f.kind() == ContractFailure.Kind.TIMEOUT ? "; " + vcpus() : "")
                : "QEMU exited with code " + (p == null ? "?" : String.valueOf(p.exitCode().orElse(-1)))
                        + (powerCutFired() ? " (killed by the armed power cut)" : "");
        writeTimeline(); // the failure message links it; close() writes it again with everything
        String message = f.report(console.tail(consumed, ContractFailure.TAIL_LINES))
                + liveness + "\ntimeout scale " + config.scale() + (accelerated ? "" : "; QEMU without acceleration (TCG)")
                + "\nfull log: " + serialLog() + "\ntimeline: " + timelineFile().toUri();
        try {
            Files.writeString(reportFile(), message + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            message += "\n(could not write " + reportFile() + ": " + e.getMessage() + ")";
        }
        return new AssertionError(message);
    }

    /**
     * Two snapshots of the vCPUs' program counters a second apart, for a guest that went silent:
     * stuck in the firmware, in the kernel (whose messages {@code quiet} hides) or in user space.
     */
    private String vcpus() {
        if (qmp == null && !Files.exists(qmpSocket)) return "vCPUs: not sampled (no QMP socket)";
        try {
            VcpuSnapshot first = vcpuSnapshot();
            Thread.sleep(1000);
            return "vCPUs: " + vcpuSnapshot().describe(first);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "vCPUs: not sampled (interrupted)";
        } catch (HarnessException e) {
            return "vCPUs: not sampled (" + e.getMessage() + ")";
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private synchronized void cancelDiskWatch() {
        if (diskWatch != null) {
            diskWatch.cancel(false);
            diskWatch = null;
        }
    }

    private synchronized void closeQmp() {
        if (qmp != null) {
            qmp.close();
            qmp = null;
        }
    }

    private void deleteTempSocketDir() {
        if (qmpTempDir == null) return;
        try {
            Files.deleteIfExists(qmpSocket);
            Files.deleteIfExists(qmpTempDir);
        } catch (IOException e) {
            // a stale empty directory in /tmp is harmless
        }
    }
}
