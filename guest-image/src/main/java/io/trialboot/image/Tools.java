package io.trialboot.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.apache.commons.exec.environment.EnvironmentUtils;

/**
 * Runs the host tools (apt, dpkg-deb, mksquashfs, sfdisk, mke2fs) through commons-exec, with a
 * watchdog timeout, and kills them when the build's JVM exits.
 */
final class Tools {
    private Tools() {}

    /**
     * Runs a command and returns its standard output. Every non-blank output line (stdout and
     * stderr) also goes to {@code progress}; on failure the message carries the last lines.
     */
    static String run(List<String> command, Path workDir, Duration timeout, Map<String, String> extraEnv,
            Consumer<String> progress) {
        CommandLine cl = new CommandLine(command.get(0));
        command.subList(1, command.size()).forEach(a -> cl.addArgument(a, false));
        StringBuilder stdout = new StringBuilder();
        ArrayDeque<String> tail = new ArrayDeque<>();
        Consumer<String> show = line -> {
            if (!line.isBlank()) {
                progress.accept(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
            }
        };
        LineSink out = new LineSink(line -> {
            stdout.append(line).append('\n');
            show.accept(line);
        });
        LineSink err = new LineSink(show);
        DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(workDir.toFile()).get();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(new ShutdownHookProcessDestroyer());
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        try {
            Map<String, String> env = EnvironmentUtils.getProcEnvironment();
            env.put("LC_ALL", "C");
            env.putAll(extraEnv);
            executor.execute(cl, env);
        } catch (ExecuteException e) {
            String why = watchdog.killedProcess() ? "timed out after " + timeout.toSeconds() + " s" : "exited with " + e.getExitValue();
            throw new ImageBuildException(command.get(0) + " " + why + ": " + String.join(" ", command) + "\n"
                    + String.join("\n", tail), e);
        } catch (IOException e) {
            throw new ImageBuildException("cannot run " + command.get(0)
                    + " (scripts/bootstrap installs the host tools): " + e.getMessage(), e);
        }
        out.flush();
        err.flush();
        return stdout.toString();
    }

    static String run(List<String> command, Path workDir, Duration timeout) {
        return run(command, workDir, timeout, Map.of(), line -> {});
    }

    /** Splits a byte stream into lines (LF, or CR for progress meters); blank lines included. */
    private static final class LineSink extends OutputStream {
        private final Consumer<String> consumer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSink(Consumer<String> consumer) {
            this.consumer = consumer;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else if (b != '\r') {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) {
                emit();
            }
        }

        private void emit() {
            consumer.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
