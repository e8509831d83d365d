package io.trialboot.harness;

import io.trialboot.markers.ConsoleLine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A failed test's VM kept running for a person ({@code -Dtrialboot.keepFailedVm=true}): its console
 * is served on {@code <run dir>/console.sock}, where {@code scripts/vm --attach <run dir>} connects,
 * one person at a time, through {@link VmTerminal} (Ctrl-A X there quits QEMU). The VM goes on
 * under the harness's lifecycle, so a guest reset boots a new QEMU as in the test. The test run
 * waits here until QEMU has exited.
 */
final class KeptVm {
    /** Configuration parameter (or system property): keep a failed test's VM running. */
    static final String PROPERTY = "trialboot.keepFailedVm";
    private static final int MAX_SOCKET_PATH = 100;
    private static final long WATCH_MS = 500;
    private static final int TAIL = 5;

    private KeptVm() {}

    /** Serves {@code vm}'s console until QEMU exits; says on {@code out} how to attach. */
    static void serve(QemuVm vm, String testName, PrintStream out) {
        Path link = vm.runDir().resolve(VmTerminal.CONSOLE_SOCKET);
        Path socket = link;
        try {
            Files.deleteIfExists(link);
            // Unix socket paths are limited to 107 bytes: a deep run directory gets a link to one in /tmp
            if (link.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                socket = Files.createTempDirectory("trialboot-console").resolve(VmTerminal.CONSOLE_SOCKET);
            }
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                if (socket != link) Files.createSymbolicLink(link, socket);
                out.println("trialboot: " + testName + " failed; its VM keeps running (-D" + PROPERTY + "=true). Attach: "
                        + "scripts/vm --attach " + vm.runDir() + "  (Ctrl-A X there quits QEMU; this run waits until then)");
                Thread watch = new Thread(() -> closeWhenQemuExits(vm, server), "kept-vm-watch");
                watch.setDaemon(true);
                watch.start();
                while (vm.isRunning()) {
                    try (SocketChannel person = server.accept()) {
                        OutputStream terminal = output(person);
                        replayTail(vm, terminal);
                        int boot = vm.latestBoot(); // not currentBoot(): a reset's new QEMU may still be silent
                        OptionalInt code = VmTerminal.run(vm, input(person), terminal,
                                "vm: attached to " + vm.runDir() + " in boot " + boot + " (Ctrl-A H lists the keys)", boot);
                        if (code.isPresent()) out.println("trialboot: the kept VM of " + testName + " quit with code " + code.getAsInt());
                    } catch (ClosedChannelException e) {
                        break; // QEMU exited: the watch closed the socket
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the console of the kept VM on " + socket, e);
        } finally {
            deleteQuietly(link);
            if (socket != link) {
                deleteQuietly(socket);
                deleteQuietly(socket.getParent());
            }
        }
    }

    private static void closeWhenQemuExits(QemuVm vm, ServerSocketChannel server) {
        try {
            while (vm.isRunning()) Thread.sleep(WATCH_MS);
            server.close();
        } catch (InterruptedException | IOException e) {
            // the serve loop ends on its own
        }
    }

    /** The last console lines, so the person sees where the test left the guest. */
    private static void replayTail(QemuVm vm, OutputStream terminal) throws IOException {
        List<ConsoleLine> lines = vm.lines();
        for (ConsoleLine l : lines.subList(Math.max(0, lines.size() - TAIL), lines.size())) {
            terminal.write((l.text() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Reads and writes go straight to the channel: the JDK's channel streams would serialize them. */
    private static InputStream input(SocketChannel ch) {
        return new BulkInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                } catch (ClosedChannelException e) {
                    return -1;
                }
            }
        };
    }

    private static OutputStream output(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) ch.write(buf);
            }
        };
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a stale socket or empty directory is harmless
        }
    }
}
