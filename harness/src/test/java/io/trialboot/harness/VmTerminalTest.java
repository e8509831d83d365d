package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A person at the fake QEMU's console: keys, a guest reset inside one session, escapes, leaving. */
class VmTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * The fake QEMU has no QMP socket: Ctrl-A X's {@code quit} waits out the client's connect timeout
     * (10 s, scaled) before the terminal falls back to killing QEMU; a tenth of it keeps the test fast.
     */
    static final TimeoutScale NO_QMP = new TimeoutScale(0.1, "the fake QEMU has no QMP socket to wait for");

    @TempDir
    Path dir;

    /** The terminal's bytes so far, thread-safe. */
    private static final class Screen extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        void await(String s) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!text().contains(s)) {
                if (System.nanoTime() > deadline) throw new AssertionError("'" + s + "' not on the screen: " + text());
                Thread.sleep(20);
            }
        }
    }

    /**
     * A person's session on a VM whose fake QEMU first waits for a line ({@code answer}): the terminal shows
     * what QEMU prints once attached, so the guest speaks only after the key typed here has gone through it.
     */
    private record Session(PipedOutputStream keys, Screen screen, CompletableFuture<OptionalInt> done)
            implements AutoCloseable {
        static Session open(QemuVm vm) throws IOException, InterruptedException {
            PipedOutputStream keys = new PipedOutputStream();
            PipedInputStream keyboard = new PipedInputStream(keys);
            Screen screen = new Screen();
            CompletableFuture<OptionalInt> done =
                    CompletableFuture.supplyAsync(() -> VmTerminal.run(vm, keyboard, screen, "vm: boot 1 (power on)"));
            Session session = new Session(keys, screen, done);
            session.type("start");
            screen.await("got: start");
            return session;
        }

        /** Types {@code line} and Enter. */
        void type(String line) throws IOException {
            keys.write((line + "\r").getBytes(StandardCharsets.US_ASCII));
        }

        /** Presses Ctrl-A, then {@code key}. */
        void ctrlA(char key) throws IOException {
            keys.write(new byte[] {1, (byte) key});
        }

        /** What the session ended with: QEMU's exit code, or none when the person left and QEMU runs on. */
        OptionalInt end() throws Exception {
            return done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** The person leaves (the keyboard closes). */
        @Override
        public void close() throws IOException {
            keys.close();
        }
    }

    @Test
    void aGuestResetStaysInTheSessionWithABootLine() throws Exception {
        String script = "banner\nanswer\nprint first boot\nanswer\nreboot\nbanner\nprint second boot\nanswer\nhang\n";
        try (QemuVm vm = FakeQemu.start(dir, script); Session session = Session.open(vm)) {
            Screen screen = session.screen();
            screen.await("first boot");
            session.type("go");
            screen.await("vm: boot 2 (guest reset)\r\n");
            screen.await("second boot");
            session.type("again");
            screen.await("got: again");
            String text = screen.text();
            assertTrue(text.startsWith("vm: boot 1 (power on)\r\n"), text);
            assertTrue(text.indexOf("reboot: Restarting system") < text.indexOf("vm: boot 2 (guest reset)"), text);
            assertTrue(text.indexOf("vm: boot 2 (guest reset)") < text.indexOf("OpenSBI", text.indexOf("vm: boot 2")), text);
            session.close(); // the person leaves: the session ends, QEMU runs on
            assertEquals(OptionalInt.empty(), session.end());
            assertTrue(vm.isRunning());
        }
    }

    @Test
    void ctrlAXQuitsAndCtrlAHHelps() throws Exception {
        try (QemuVm vm = QemuVm.start(FakeQemu.config(dir, "banner\nanswer\nprint ready\nhang\n").scale(NO_QMP).build());
                Session session = Session.open(vm)) {
            Screen screen = session.screen();
            screen.await("ready");
            session.ctrlA('h');
            screen.await("C-a x    quit QEMU");
            session.ctrlA('x');
            OptionalInt code = session.end();
            assertTrue(code.isPresent(), "the session ends with QEMU's exit");
            assertTrue(screen.text().contains("vm: quitting QEMU (Ctrl-A X)\r\n"), screen.text());
            assertTrue(!vm.isRunning());
        }
    }

    @Test
    void theGuestsOutputWaitsWhileTheMonitorIsOn() throws Exception {
        String script = "banner\nanswer\nprint before\nanswer\npause 2\nprint during\nhang\n";
        try (QemuVm vm = FakeQemu.start(dir, script); Session session = Session.open(vm)) {
            Screen screen = session.screen();
            screen.await("before");
            session.type("x");
            screen.await("got: x");
            session.ctrlA('c');
            screen.await("(qemu) ");
            Thread.sleep(3000); // "during" is printed meanwhile
            assertTrue(!screen.text().contains("during"), screen.text());
            session.ctrlA('c');
            screen.await("vm: back on the console\r\n");
            screen.await("during");
            session.close();
            assertEquals(OptionalInt.empty(), session.end());
        }
    }

    @Test
    void aSessionJoinedWhileAResetsNewQemuIsSilentCountsFromTheNewBoot() throws Exception {
        String script = "banner\nanswer\nreboot\npause 2\nbanner\nprint second boot\nanswer\nreboot\nbanner\nprint third boot\nhang\n";
        try (QemuVm vm = FakeQemu.start(dir, script)) {
            vm.type("go");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (vm.relaunches() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(1, vm.currentBoot(), "the new QEMU is silent for 2 s");
            assertEquals(2, vm.latestBoot());
            PipedOutputStream keys = new PipedOutputStream();
            Screen screen = new Screen();
            PipedInputStream keyboard = new PipedInputStream(keys);
            CompletableFuture<OptionalInt> done = CompletableFuture.supplyAsync(() -> VmTerminal.run(vm, keyboard, screen, "joined"));
            screen.await("second boot");
            keys.write("again\r".getBytes(StandardCharsets.US_ASCII));
            screen.await("third boot");
            keys.close();
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String text = screen.text();
            assertTrue(text.contains("vm: boot 3 (guest reset)\r\n") && !text.contains("vm: boot 2"), text);
        }
    }

    @Test
    void aKeyboardThatFailsEndsTheSessionAsItsEndDoes() throws Exception {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nhang\n")) {
            java.io.InputStream hungUp = new java.io.InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("Input/output error");
                }
            };
            CompletableFuture<OptionalInt> done = CompletableFuture.supplyAsync(() -> VmTerminal.run(vm, hungUp, new Screen(), "b"));
            assertEquals(OptionalInt.empty(), done.get(WAIT.toSeconds(), TimeUnit.SECONDS), "the session ended; QEMU is left to its owner");
        }
    }
}
