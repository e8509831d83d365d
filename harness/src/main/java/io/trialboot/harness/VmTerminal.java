package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A person at a VM's console ({@code scripts/vm}, and {@code scripts/vm --attach} to a test's kept
 * VM): the console goes to their terminal and their keys to the guest through {@link QemuVm#attach},
 * so a guest reset (QEMU exits under {@code -no-reboot} and the VM boots a new QEMU on the same
 * overlay) keeps them in the same session, announced with one line ({@code vm: boot 3 (guest reset)}).
 * Ctrl-A escapes are handled here ({@link EscapeKeys}): Ctrl-A X quits QEMU over QMP (exit code 0),
 * Ctrl-A C switches to a monitor prompt whose commands go to QEMU's human monitor over QMP (the
 * guest's output is held meanwhile), Ctrl-C goes to the guest.
 */
public final class VmTerminal {
    /** Where a kept VM serves its console in its run directory ({@code scripts/vm --attach}). */
    public static final String CONSOLE_SOCKET = "console.sock";
    private static final Duration BANNER_POLL = Duration.ofMillis(50);
    /** Guest output held while the monitor is on, at most; beyond it only serial.log has it. */
    private static final int HELD_MAX = 1 << 20;
    private static final byte[] CRLF = {'\r', '\n'};

    private final QemuVm vm;
    private final OutputStream terminal;
    private final EscapeKeys escapes = new EscapeKeys();
    private final StringBuilder monitorLine = new StringBuilder();
    /** Guarded by this: whether the monitor has the terminal, what the guest printed meanwhile. */
    private boolean monitor;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean dropped;
    private boolean atLineStart = true;
    /** Guarded by this: the guest resets announced so far, and the boot the session began in. */
    private int announced;
    private int relaunchesAtStart;
    private int firstBoot;
    private volatile boolean quitting;
    /** While attach() runs: only then may the keyboard's end interrupt the person's thread. */
    private volatile boolean attaching;

    private VmTerminal(QemuVm vm, OutputStream terminal) {
        this.vm = vm;
        this.terminal = terminal;
    }

    /**
     * Gives {@code vm}'s console to a person until QEMU exits or their keyboard ends. Prints
     * {@code banner} first (e.g. {@code vm: boot 1 (power on)}), then a line at each guest reset.
     *
     * @return QEMU's exit code; empty when the keyboard ended first (QEMU still runs)
     */
    public static OptionalInt run(QemuVm vm, InputStream keyboard, OutputStream terminal, String banner) {
        return run(vm, keyboard, terminal, banner, vm.latestBoot());
    }

    /**
     * As {@link #run(QemuVm, InputStream, OutputStream, String)}, for a session that begins in boot
     * {@code boot} (that one takes {@link QemuVm#latestBoot}: right after a guest reset the new QEMU is
     * still silent, so {@link QemuVm#currentBoot} still names the boot before it while
     * {@link QemuVm#relaunches} already counts it).
     */
    public static OptionalInt run(QemuVm vm, InputStream keyboard, OutputStream terminal, String banner, int boot) {
        VmTerminal t = new VmTerminal(vm, terminal);
        t.begin(vm.relaunches(), boot);
        t.say(banner);
        Thread person = Thread.currentThread();
        Thread banners = new Thread(t::pollResets, "terminal-banners");
        banners.setDaemon(true);
        banners.start();
        t.attaching = true;
        int code;
        try {
            code = vm.attach(t.keys(keyboard, person), t.screen());
        } finally {
            t.attaching = false;
            banners.interrupt();
        }
        boolean left = Thread.interrupted(); // the keyboard ended: attach() was interrupted
        return left && !t.quitting ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** One line to the person, on a line of its own (the terminal is raw: CR LF). */
    synchronized void say(String text) {
        try {
            if (!atLineStart) terminal.write(CRLF);
            terminal.write(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
            terminal.write(CRLF);
            terminal.flush();
            atLineStart = true;
        } catch (IOException e) {
            // the terminal went away; QemuVm stops copying to it too
        }
    }

    private synchronized void begin(int relaunches, int boot) {
        announced = relaunches;
        relaunchesAtStart = relaunches;
        firstBoot = Math.max(1, boot);
    }

    /**
     * "vm: boot N (guest reset)" for each new QEMU started for a guest reset and not yet announced.
     * Called before a QEMU's bytes are shown (the VM counts a relaunch before it starts the new QEMU,
     * so the line always comes before that boot's output) and by a poll, for a new QEMU still silent.
     */
    private synchronized void announceResets() {
        for (int now = vm.relaunches(); announced < now; announced++) {
            say("vm: boot " + (firstBoot + announced - relaunchesAtStart + 1) + " (guest reset)");
        }
    }

    private void pollResets() {
        try {
            while (true) {
                Thread.sleep(BANNER_POLL.toMillis());
                announceResets();
            }
        } catch (InterruptedException e) {
            // the session ended
        }
    }

    /** What QEMU prints, to the terminal; held while the monitor has it. */
    private OutputStream screen() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (VmTerminal.this) {
                    if (!monitor) announceResets();
                    if (monitor) {
                        if (held.size() + len <= HELD_MAX) held.write(b, off, len);
                        else dropped = true;
                        return;
                    }
                    terminal.write(b, off, len);
                    terminal.flush();
                    if (len > 0) atLineStart = b[off + len - 1] == '\n';
                }
            }
        };
    }

    /** The person's keys as the guest gets them: escapes and monitor typing taken out. */
    private InputStream keys(InputStream keyboard, Thread person) {
        return new BulkInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                byte[] buf = new byte[Math.min(len, 256)];
                while (!quitting) {
                    int n;
                    try {
                        n = keyboard.read(buf);
                    } catch (IOException e) {
                        n = -1; // a terminal gone (EIO after a hangup nohup ignored) ends the session as its end does
                    }
                    if (n < 0) {
                        if (attaching) person.interrupt(); // ends attach(): the person left, QEMU runs on
                        return -1;
                    }
                    byte[] guest = typed(buf, n);
                    if (guest.length > 0) {
                        System.arraycopy(guest, 0, b, off, guest.length); // never more than was read
                        return guest.length;
                    }
                }
                return -1;
            }
        };
    }

    /** Runs the escapes and monitor keys in {@code buf}; returns the bytes for the guest. */
    private byte[] typed(byte[] buf, int n) {
        ByteArrayOutputStream guest = new ByteArrayOutputStream();
        for (EscapeKeys.Key key : escapes.feed(buf, n)) {
            if (key instanceof EscapeKeys.Text text) {
                if (inMonitor()) monitorKeys(text.bytes());
                else guest.writeBytes(text.bytes());
            } else if (key instanceof EscapeKeys.Command command) {
                switch (command.escape()) {
                    case QUIT -> quit();
                    case MONITOR -> toggleMonitor();
                    case HELP -> say(EscapeKeys.HELP);
                }
            }
        }
        return guest.toByteArray();
    }

    private synchronized boolean inMonitor() {
        return monitor;
    }

    /** Ctrl-A X: QMP {@code quit}, so QEMU exits with code 0 (QemuVm.close() if QMP cannot be used). */
    private void quit() {
        quitting = true;
        say("vm: quitting QEMU (Ctrl-A X)");
        try {
            vm.qmp().quit();
        } catch (HarnessException e) {
            vm.close();
        }
    }

    private synchronized void toggleMonitor() {
        if (!monitor) {
            say("vm: QEMU monitor (help lists its commands); Ctrl-A C returns to the console, whose output waits meanwhile");
            monitor = true;
            monitorLine.setLength(0);
            echo("(qemu) ");
            return;
        }
        monitor = false;
        say("vm: back on the console");
        echo(held.toString(StandardCharsets.UTF_8));
        held.reset();
        if (dropped) say("vm: more output came meanwhile than was held; serial.log has all of it");
        dropped = false;
    }

    /** A line editor for the monitor prompt: Enter runs the line, Backspace erases. */
    private synchronized void monitorKeys(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\r' || b == '\n') {
                echo("\r\n");
                String line = monitorLine.toString().strip();
                monitorLine.setLength(0);
                if (!line.isEmpty()) echo(humanMonitor(line));
                echo("(qemu) ");
            } else if ((b == 0x7f || b == 0x08) && monitorLine.length() > 0) {
                monitorLine.setLength(monitorLine.length() - 1);
                echo("\b \b");
            } else if (b >= 0x20 && b < 0x7f) {
                monitorLine.append((char) b);
                echo(String.valueOf((char) b));
            }
        }
    }

    private String humanMonitor(String line) {
        try {
            Object reply = vm.qmp().execute("human-monitor-command", Map.of("command-line", line));
            return String.valueOf(reply).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (HarnessException e) {
            return e.getMessage() + "\r\n";
        }
    }

    private synchronized void echo(String text) {
        if (text.isEmpty()) return;
        try {
            terminal.write(text.getBytes(StandardCharsets.UTF_8));
            terminal.flush();
            atLineStart = text.endsWith("\n");
        } catch (IOException e) {
            // the terminal went away
        }
    }
}
