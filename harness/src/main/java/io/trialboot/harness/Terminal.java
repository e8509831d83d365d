package io.trialboot.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;

/** A person's terminal on a VM's console (scripts/vm): see {@link QemuVm#attach}. */
final class Terminal {
    private static final Duration POLL = Duration.ofMillis(50);

    private Terminal() {}

    /**
     * Copies what QEMU prints to {@code terminal} and every byte of {@code keyboard} to the console
     * (Ctrl-A X included), across guest resets, until QEMU has exited.
     */
    static void attach(InputStream keyboard, OutputStream terminal, VmLifecycle lifecycle, ConsoleTriggers lines,
            ConsoleRecorder console) {
        lines.attach(terminal);
        Thread typist = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                for (int n = keyboard.read(buf); n >= 0; n = keyboard.read(buf)) {
                    lifecycle.awaitRelaunch();
                    QemuProcess p = lifecycle.process();
                    if (p == null || !p.alive()) return;
                    p.write(Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // the terminal closed: stop typing, QEMU goes on until it is quit or closed
            }
        }, "terminal-keyboard");
        typist.setDaemon(true);
        typist.start();
        try {
            while (!lifecycle.consoleEnded()) console.awaitMore(console.size(), POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lines.attach(null);
        }
    }
}
