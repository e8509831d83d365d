package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code nx} CLI: maps each command to one updated RPC operation and prints the reply.
 * Exit status: 0 on {@code HOST_OK}, 1 on any other code (printed), 2 on a usage error.
 */
public final class NxClient {
    static final Map<String, String> COMMANDS = Map.of(
            "status", "GetStatus",
            "reboot", "Reboot");
    static final String USAGE = "usage: nx <command>\ncommands:\n"
            + "  status   slot, version, boot count and boot-control state\n"
            + "  reboot   reboot the device (a real guest reboot)";

    private final Path socket;

    NxClient(Path socket) {
        this.socket = socket;
    }

    public static void main(String[] args) {
        System.exit(new NxClient(GuestPaths.guest().socket()).run(List.of(args), System.out));
    }

    int run(List<String> args, PrintStream out) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String op = COMMANDS.get(args.get(0));
        if (op == null || args.size() > 1) {
            out.println("nx: unknown command '" + String.join(" ", args) + "'\n" + USAGE);
            return 2;
        }
        Rpc.Reply reply;
        try {
            reply = call(op);
        } catch (TrialbootException e) {
            reply = Rpc.Reply.error(e);
        }
        reply.lines().forEach(out::println);
        if (reply.code() != Code.HOST_OK) {
            out.println("nx: " + args.get(0) + " failed: " + reply.code());
            return 1;
        }
        return 0;
    }

    Rpc.Reply call(String request) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Rpc.writeAll(ch, request + "\n");
            ch.shutdownOutput();
            return Rpc.Reply.decode(Rpc.readAll(ch));
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot reach updated at " + socket + " (is it running?): " + e.getMessage(), e);
        }
    }
}
