package io.trialboot.harness.console;

import java.io.IOException;

/** The person's terminal: raw while the console is theirs; {@code scripts/vm} restores it on exit. */
final class Tty {
    private Tty() {}

    /** Keys go to the guest one by one, unechoed, Ctrl-C included; false when the terminal could not be switched. */
    static boolean raw() {
        try {
            return new ProcessBuilder("sh", "-c", "stty raw -echo < /dev/tty").inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
