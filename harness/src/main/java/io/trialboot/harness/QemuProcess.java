package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One QEMU process under a pty, with the thread that reads its console. pty4j's
 * {@code available()} always returns 0, so the console is read by blocking reads on a dedicated
 * thread. A {@link QemuVm} has one at a time; a restart makes a new one.
 */
final class QemuProcess {
    private final PtyProcess process;
    private final Thread reader;
    private final OutputStream console;
    private final QemuLauncher launcher;
    private final List<String> qemuArgv;
    private final AtomicLong typed = new AtomicLong();

    private QemuProcess(PtyProcess process, QemuLauncher launcher, List<String> qemuArgv, Path dir,
            BiConsumer<byte[], Integer> onBytes, Consumer<QemuProcess> onEnd) {
        this.process = process;
        this.console = process.getOutputStream();
        this.launcher = launcher;
        this.qemuArgv = qemuArgv;
        InputStream in = process.getInputStream();
        this.reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (n > 0) onBytes.accept(buf, n);
                }
            } catch (IOException e) {
                // EIO from the pty master once QEMU is gone: the same as end of stream
            } finally {
                onEnd.accept(this);
            }
        }, "qemu-console-" + dir.getFileName());
        reader.setDaemon(true);
    }

    /**
     * Starts QEMU with {@code qemuArgv} through {@code launcher} in {@code dir}; {@code onBytes} gets
     * each chunk read from the console, {@code onEnd} runs once with this process when its console ends.
     */
    static QemuProcess start(QemuLauncher launcher, List<String> qemuArgv, Path dir, BiConsumer<byte[], Integer> onBytes,
            Consumer<QemuProcess> onEnd) {
        List<String> argv = launcher.command(qemuArgv);
        checkOnPath(argv.get(0));
        ensurePtyTmpdir();
        PtyProcess p;
        try {
            p = new PtyProcessBuilder(argv.toArray(String[]::new))
                    .setDirectory(dir.toAbsolutePath().toString())
                    .setRedirectErrorStream(true) // QEMU's own errors land in serial.log and in reports
                    .setInitialColumns(240)
                    .setInitialRows(50)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new HarnessException(HarnessCode.QEMU_START_FAILED, "cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        Exec.DESTROYER.add(p); // QEMU dies with the JVM
        QemuProcess qemu = new QemuProcess(p, launcher, List.copyOf(qemuArgv), dir, onBytes, onEnd);
        qemu.reader.start();
        return qemu;
    }

    /**
     * pty4j extracts its native library into {@code pty4j.tmpdir} only when that directory already
     * exists (0.13.12); otherwise every JVM leaves a {@code /tmp/pty4j-*} directory behind.
     */
    private static void ensurePtyTmpdir() {
        String dir = System.getProperty("pty4j.tmpdir");
        if (dir == null || dir.isBlank()) return;
        try {
            Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.QEMU_START_FAILED, "cannot create pty4j.tmpdir " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void checkOnPath(String binary) {
        if (binary.indexOf(File.separatorChar) >= 0) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new HarnessException(HarnessCode.QEMU_START_FAILED, binary + " is not an executable file");
            }
            return;
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, binary))) return;
        }
        throw new HarnessException(HarnessCode.QEMU_START_FAILED,
                binary + " is not on PATH (scripts/bootstrap installs qemu-system-misc)");
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code once QEMU has exited. */
    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    long pid() {
        return process.pid();
    }

    /** Writes to the console (the guest's serial port). */
    void write(byte[] bytes) throws IOException {
        typed.addAndGet(bytes.length);
        console.write(bytes);
        console.flush();
    }

    /** How many bytes were written to the console so far. */
    long typed() {
        return typed.get();
    }

    /** SIGKILL: no flush, no goodbye, like pulling the plug. */
    void kill() {
        launcher.kill(process, qemuArgv);
    }

    /** Waits up to {@code d} for QEMU to exit. */
    boolean waitFor(Duration d) throws InterruptedException {
        boolean exited = process.waitFor(d.toNanos(), TimeUnit.NANOSECONDS);
        if (exited) Exec.DESTROYER.remove(process);
        return exited;
    }

    /** Waits up to {@code d} for the console reader to see the end of the console. */
    boolean awaitConsoleEnd(Duration d) throws InterruptedException {
        reader.join(Math.max(1, d.toMillis()));
        return !reader.isAlive();
    }

    /**
     * Waits up to {@code wait} until QEMU has exited, then up to {@code drain} until its console
     * reader has taken its last output.
     * @throws HarnessException {@code EXEC_TIMEOUT} when it still runs, {@code INTERRUPTED}
     */
    void awaitExit(Duration wait, Duration drain) {
        try {
            if (!waitFor(wait)) {
                throw new HarnessException(HarnessCode.EXEC_TIMEOUT, "QEMU (pid " + pid() + ") did not exit " + wait
                        + " after being told to");
            }
            awaitConsoleEnd(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while waiting for QEMU to exit", e);
        }
    }

    /** {@link #waitFor}, false when interrupted (the interrupt is kept). */
    boolean exitedWithin(Duration d) {
        try {
            return waitFor(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@link #awaitConsoleEnd}, returning early when interrupted (the interrupt is kept). */
    void drainConsole(Duration d) {
        try {
            awaitConsoleEnd(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
