package io.trialboot.guest;

import io.trialboot.markers.Marker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The console shell after the services are up: {@code nx ...} lines go to updated over its
 * socket (the same path as the {@code nx} command); {@code exit} leaves (init then starts a
 * busybox shell); anything else runs with {@code sh -c} on the console. Running {@code nx} in
 * this JVM saves a JVM start (seconds under emulation) per command.
 */
final class NxConsole {
    static final String PROMPT = "trialboot# ";

    private final NxClient nx;
    private final PrintStream out;

    NxConsole(NxClient nx, PrintStream out) {
        this.nx = nx;
        this.out = out;
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
            if (command.equals("nx") || command.startsWith("nx ")) {
                List<String> args = command.equals("nx") ? List.of() : List.of(command.substring(3).strip().split("\\s+"));
                nx.run(args, out);
            } else {
                shell(command);
            }
        }
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
