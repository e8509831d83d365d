package io.trialboot.harness.console;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/** The person's terminal: raw while the console is theirs; {@code scripts/vm} restores it on exit. */
final class Tty {
    /** What {@link #raw} found. */
    enum Raw {
        /** Keys now go to the guest one by one, unechoed, Ctrl-C included. */
        DONE,
        /** The keys do not come from a terminal (a pipe, a file): there is nothing to switch. */
        NOT_A_TERMINAL,
        /** A terminal that could not be switched: keys go line by line. */
        FAILED
    }

    private static final int NOT_A_TTY = 3;

    private Tty() {}

    /** Switches the keyboard, this JVM's standard input, to raw mode when it is a terminal; prints nothing itself. */
    static Raw raw() {
        try {
            Process stty = new ProcessBuilder("sh", "-c", "[ -t 0 ] || exit " + NOT_A_TTY + "; stty raw -echo")
                    .redirectInput(Redirect.INHERIT).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD).start();
            int code = stty.waitFor();
            return code == 0 ? Raw.DONE : code == NOT_A_TTY ? Raw.NOT_A_TERMINAL : Raw.FAILED;
        } catch (IOException e) {
            return Raw.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Raw.FAILED;
        }
    }
}
