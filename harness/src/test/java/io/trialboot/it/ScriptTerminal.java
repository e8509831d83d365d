package io.trialboot.it;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import io.trialboot.harness.TimeoutScale;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/vm} as a person runs it: in a real pseudo-terminal (pty4j), keys typed one write
 * at a time, the screen read as it comes. Waits are scaled by the run's timeout scale, which the
 * script's own JVM gets too.
 */
final class ScriptTerminal implements AutoCloseable {
    static final Path SCRIPT = Path.of("..", "scripts", "vm").toAbsolutePath().normalize();
    private static final int TAIL = 3000;

    private final PtyProcess process;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();
    private final TimeoutScale scale = TimeoutScale.fromEnvironment();

    ScriptTerminal(String... args) throws IOException {
        String[] argv = new String[args.length + 2];
        argv[0] = "bash";
        argv[1] = SCRIPT.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(TimeoutScale.ENV, Double.toString(scale.factor()));
        env.put("TERM", "xterm");
        process = new PtyProcessBuilder(argv).setEnvironment(env).setDirectory(SCRIPT.getParent().getParent().toString())
                .setInitialColumns(200).setInitialRows(50).start();
        keys = process.getOutputStream();
        InputStream in = process.getInputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    synchronized (screen) {
                        screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        screen.notifyAll();
                    }
                }
            } catch (IOException e) {
                // EIO once the script has exited
            }
        }, "script-terminal");
        reader.setDaemon(true);
        reader.start();
    }

    /** Types {@code bytes} as keys. */
    void type(byte... bytes) throws IOException {
        keys.write(bytes);
        keys.flush();
    }

    void type(String text) throws IOException {
        type(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits (scaled) until {@code text} is on the screen at or after {@code from}; returns where it starts. */
    int await(String text, int from, Duration timeout) throws InterruptedException {
        Duration limit = scale.scale(timeout);
        long deadline = System.nanoTime() + limit.toNanos();
        long exitGrace = 0; // once the script exited, the reader still gets what it printed last
        synchronized (screen) {
            for (int at = screen.indexOf(text, from); at < 0; at = screen.indexOf(text, from)) {
                long now = System.nanoTime();
                if (!process.isAlive() && exitGrace == 0) exitGrace = now + TimeUnit.SECONDS.toNanos(1);
                if (now > deadline || exitGrace != 0 && now > exitGrace) {
                    throw new AssertionError("'" + text + "' not on the screen of scripts/vm within " + limit.toSeconds() + " s ("
                            + (process.isAlive() ? "still running" : "exited with " + process.exitValue()) + "); screen ends:\n" + tail());
                }
                screen.wait(200);
            }
            return screen.indexOf(text, from);
        }
    }

    /** Waits (scaled) for the script to exit; its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(scale.scale(timeout).toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("scripts/vm still running " + scale.scale(timeout).toSeconds() + " s later; screen ends:\n" + tail());
        }
        return process.exitValue();
    }

    String tail() {
        synchronized (screen) {
            return screen.substring(Math.max(0, screen.length() - TAIL));
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly(); // its JVM takes QEMU along
    }
}
