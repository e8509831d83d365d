package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * Runs external tools (qemu-img, ...) with a watchdog timeout; children die with the JVM. The one
 * place the harness starts a process other than QEMU itself.
 */
final class Exec {
    /** One destroyer for the whole JVM: a shutdown hook per executor would pile up. */
    static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();

    private Exec() {}

    /** What a run wrote, each stream on its own. */
    record Output(String stdout, String stderr) {
        /** Both streams for a message: standard output, then standard error. */
        String both() {
            return (stdout.strip() + "\n" + stderr.strip()).strip();
        }
    }

    /**
     * Runs {@code argv}, returns its standard output (what callers parse: a tool's warning on
     * standard error must not land inside it); non-zero exit or timeout throws with both streams.
     */
    static String run(List<String> argv, Duration timeout) {
        return runForOutput(argv, timeout).stdout();
    }

    /** {@link #run}, with standard error too. */
    static Output runForOutput(List<String> argv, Duration timeout) {
        if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty");
        CommandLine cmd = new CommandLine(argv.get(0));
        argv.subList(1, argv.size()).forEach(a -> cmd.addArgument(a, false));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(DESTROYER);
        executor.setExitValues(null); // judge the exit code here, with the output in the message
        int exit;
        try {
            exit = executor.execute(cmd);
        } catch (ExecuteException e) {
            exit = e.getExitValue();
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.EXEC_FAILED, "cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        Output output = new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        if (watchdog.killedProcess()) {
            throw new HarnessException(HarnessCode.EXEC_TIMEOUT,
                    String.join(" ", argv) + " did not finish within " + timeout + " and was killed; output: " + output.both());
        }
        if (exit != 0) {
            throw new HarnessException(HarnessCode.EXEC_FAILED,
                    String.join(" ", argv) + " exited with " + exit + ": " + output.both());
        }
        return output;
    }
}
