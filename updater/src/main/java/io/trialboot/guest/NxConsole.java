package io.trialboot.guest;

import io.trialboot.markers.Marker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The console shell after the services are up: a plain {@code nx ...} line goes to updated over
 * its socket (the same path as the {@code nx} command); {@code exit} leaves (init then starts a
 * busybox shell); anything else runs with {@code sh -c} on the console, including an {@code nx}
 * line with shell syntax ({@code nx history | tail -3}, {@code nx status; echo $?}): the shell runs
 * the slot's {@code nx} command there, one JVM start (seconds under emulation) dearer, so pipes,
 * lists, redirections and the exit status work as in any shell. Running a plain {@code nx} in
 * this JVM saves that start per command. After an {@code nx reboot}
 * updated accepted, no prompt: updated syncs and resets the machine after its answer, and a prompt
 * then would invite a command the reset throws away. Should the reset not come within
 * {@link #REBOOT_GRACE}, the console says so and prompts again.
 */
final class NxConsole {
    static final String PROMPT = "trialboot# ";
    /** How long the console waits for the machine's reset after {@code nx reboot} was accepted. */
    static final Duration REBOOT_GRACE = Duration.ofSeconds(60);
    /** What makes a line the shell's: pipes, lists, redirections, substitutions, quoting, globs, comments. */
    private static final String SHELL_SYNTAX = "|&;<>()$`\\\"'*?[#~";

    /** Waiting for the reset: the guest sleeps; a test returns at once. */
    interface Wait {
        void sleep(Duration d) throws InterruptedException;
    }

    private final NxClient nx;
    private final PrintStream out;
    private final Wait wait;

    NxConsole(NxClient nx, PrintStream out) {
        this(nx, out, d -> Thread.sleep(d.toMillis()));
    }

    NxConsole(NxClient nx, PrintStream out, Wait wait) {
        this.nx = nx;
        this.out = out;
        this.wait = wait;
    }

    void run(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        out.println(Marker.GUEST_SHELL_READY.line());
        while (true) {
            // A command typed ahead (by a person or the harness) was echoed long ago: no prompt
            // for it. After a prompt, end its line before the command's output: markers are whole
            // lines, and whether the terminal's echo already ended it is not ours to know.
            boolean prompted = !reader.ready();
            if (prompted) {
                out.print(PROMPT);
                out.flush();
            }
            String line = reader.readLine();
            if (prompted) {
                out.println();
            }
            if (line == null || line.strip().equals("exit")) {
                return;
            }
            String command = line.strip();
            if (command.isEmpty()) {
                continue;
            }
            if (servedHere(command)) {
                List<String> args = command.equals("nx") ? List.of() : List.of(command.substring(3).strip().split("\\s+"));
                if (nx.run(args, out) == 0 && RpcOperation.reboots(args)) {
                    awaitReset();
                }
            } else {
                shell(command);
            }
        }
    }

    /** Whether this JVM answers the line itself: an {@code nx} command with no shell syntax. */
    static boolean servedHere(String command) {
        return (command.equals("nx") || command.startsWith("nx "))
                && command.chars().noneMatch(c -> SHELL_SYNTAX.indexOf(c) >= 0);
    }

    private void awaitReset() {
        try {
            wait.sleep(REBOOT_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("nx: the machine has not reset " + REBOOT_GRACE.toSeconds()
                + " s after nx reboot was accepted; the console is back (try again, or reboot -f)");
    }

    private void shell(String command) {
        try {
            int rc = new ProcessBuilder("sh", "-c", command).inheritIO().start().waitFor();
            if (rc != 0) {
                out.println("(exit " + rc + ")");
            }
        } catch (IOException e) {
            out.println("cannot run '" + command + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
