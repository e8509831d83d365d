package io.trialboot.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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

/** Runs the host tools (apt, dpkg-deb, mksquashfs, sfdisk, mke2fs) with a watchdog timeout. */
final class Tools {
    private Tools() {}

    /** Runs a command and returns its standard output; every output line also goes to {@code progress}. */
    static String run(List<String> command, Path workDir, Duration timeout, Map<String, String> extraEnv,
            Consumer<String> progress) {
        CommandLine cl = new CommandLine(command.get(0));
        command.subList(1, command.size()).forEach(a -> cl.addArgument(a, false));
        StringBuilder stdout = new StringBuilder();
        LineSink out = new LineSink(line -> {
            stdout.append(line).append('\n');
            progress.accept(line);
        }, false);
        LineSink err = new LineSink(progress, true);
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
            throw new ImageBuildException(command.get(0) + " " + why + ": " + String.join(" ", command)
                    + "\n" + err.tail(), e);
        } catch (IOException e) {
            throw new ImageBuildException("cannot run " + command.get(0) + " (run scripts/bootstrap to install the host tools): " + e.getMessage(), e);
        }
        out.flush();
        return stdout.toString();
    }

    static String run(List<String> command, Path workDir, Duration timeout) {
        return run(command, workDir, timeout, Map.of(), line -> {});
    }

    /** Splits a stream into lines, hands each to a consumer and keeps the last few for errors. */
    private static final class LineSink extends OutputStream {
        private final Consumer<String> consumer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final boolean splitOnCr;
        private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();

        LineSink(Consumer<String> consumer, boolean splitOnCr) {
            this.consumer = consumer;
            this.splitOnCr = splitOnCr;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n' || (splitOnCr && b == '\r')) {
                flush();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() {
                if (line.size() > 0) {
                    String text = line.toString(StandardCharsets.UTF_8);
                    consumer.accept(text);
                    tail.addLast(text);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                    line.reset();
                }
        }

        synchronized String tail() {
            return String.join("\n", tail);
        }
    }
}
