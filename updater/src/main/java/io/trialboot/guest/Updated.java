package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.List;

/**
 * updated: the update daemon's local RPC on a Unix socket. Reports ready only once the socket is
 * bound and accepting. Operations so far: {@code GetStatus}, {@code Reboot}.
 */
final class Updated implements AutoCloseable {
    private final GuestPaths paths;
    private final Bootctld bootctld;
    private final Bundlemgrd bundlemgrd;
    private final Power power;
    private final PrintStream console;
    private ServerSocketChannel server;

    Updated(GuestPaths paths, Bootctld bootctld, Bundlemgrd bundlemgrd, Power power, PrintStream console) {
        this.paths = paths;
        this.bootctld = bootctld;
        this.bundlemgrd = bundlemgrd;
        this.power = power;
        this.console = console;
    }

    void start() {
        try {
            Files.deleteIfExists(paths.socket());
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(paths.socket()));
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot listen on " + paths.socket() + ": " + e, e);
        }
        Thread acceptor = new Thread(this::serve, "updated-rpc");
        acceptor.setDaemon(true);
        acceptor.start();
        console.println(Marker.UPDATED_READY.line());
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                Rpc.Reply reply;
                String request;
                try {
                    request = Rpc.readRequest(ch);
                    reply = handle(request);
                } catch (TrialbootException e) {
                    request = "";
                    reply = Rpc.Reply.error(e);
                }
                Rpc.writeAll(ch, reply.encode());
                ch.shutdownOutput();
                Rpc.drain(ch);
                ch.close();
                if (request.equals("Reboot") && reply.code() == Code.HOST_OK) {
                    power.reboot();
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    console.println("updated: rpc connection failed: " + e);
                }
            }
        }
    }

    Rpc.Reply handle(String request) {
        List<String> words = List.of(request.strip().split("\\s+"));
        try {
            return switch (words.get(0)) {
                case "GetStatus" -> Rpc.Reply.ok(status());
                case "Reboot" -> Rpc.Reply.ok(List.of("rebooting"));
                default -> throw new TrialbootException(Code.MALFORMED_INPUT, "unknown operation '" + words.get(0)
                        + "' (known: GetStatus, Reboot)");
            };
        } catch (TrialbootException e) {
            return Rpc.Reply.error(e);
        }
    }

    private List<String> status() {
        BootControlFile now = bootctld.current();
        Slot booted = bootctld.bootedSlot();
        boolean trial = now.trial().map(booted::equals).orElse(false);
        return List.of(
                "slot=" + booted.letter(),
                "version=" + bundlemgrd.version(),
                "boot_count=" + now.bootCount(),
                "mode=" + (trial ? "trial" : "normal"),
                "tries_left=" + now.triesLeft(),
                "slot_a=" + now.slotA().text(),
                "slot_b=" + now.slotB().text());
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            Files.deleteIfExists(paths.socket());
        }
    }
}
