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

/**
 * The {@code nx} CLI: maps each command to updated's RPC operations and prints the replies.
 * Exit status: 0 on {@code HOST_OK}, 1 on any other code (printed), 2 on a usage error.
 */
public final class NxClient {
    static final String USAGE = RpcOperation.usage();

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
        String request = RpcOperation.requestFor(args).orElse(null);
        if (request == null) {
            String given = String.join(" ", args);
            out.println(RpcOperation.misusedCommand(args).map(c -> "nx: '" + given + "' does not fit '" + c + "'")
                    .orElse("nx: unknown command '" + given + "'") + "\n" + USAGE);
            return 2;
        }
        Rpc.Reply reply = print(send(request), out);
        if (reply.code() == Code.HOST_OK && request.startsWith(RpcOperation.STAGE_SYSTEM.wire() + " ")) {
            long attempt = InstallReply.attemptOf(reply.lines());
            reply = print(send(RpcOperation.SWITCH.request(List.of(Long.toString(attempt)))), out);
        }
        if (reply.code() != Code.HOST_OK) {
            out.println("nx: " + String.join(" ", args) + " failed: " + reply.code());
            return 1;
        }
        return 0;
    }

    private Rpc.Reply print(Rpc.Reply reply, PrintStream out) {
        reply.lines().forEach(out::println);
        return reply;
    }

    private Rpc.Reply send(String request) {
        try {
            return call(request);
        } catch (TrialbootException e) {
            return Rpc.Reply.error(e);
        }
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
