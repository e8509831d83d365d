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
    static final String USAGE = "usage: nx <command>\ncommands:\n"
            + "  status                 slot, version, boot count, boot-control state, floor\n"
            + "  feed                   verify the media's feed and list its releases\n"
            + "  update apply <input>   verify, install to the inactive slot and switch to a trial\n"
            + "                         (<input>: pkg://updates/<path of a manifest>)\n"
            + "  confirm                make the running trial slot the active one\n"
            + "  rollback               mark the trial slot bad, or go back to the other good slot\n"
            + "  history                the update history, one line per event\n"
            + "  receipts               the UpdateReceipt/1 of every install attempt\n"
            + "  selfcheck [--deep]     check the state (--deep re-hashes the slots); installs need OK\n"
            + "  reboot                 reboot the device (a real guest reboot)";

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
        String request = request(args);
        if (request == null) {
            out.println("nx: unknown command '" + String.join(" ", args) + "'\n" + USAGE);
            return 2;
        }
        Rpc.Reply reply = print(send(request), out);
        if (reply.code() == Code.HOST_OK && request.startsWith("StageSystem ")) {
            String attempt = reply.lines().stream().filter(l -> l.startsWith("attempt=")).findFirst()
                    .map(l -> l.substring("attempt=".length())).orElse("");
            reply = print(send("Switch " + attempt), out);
        }
        if (reply.code() != Code.HOST_OK) {
            out.println("nx: " + String.join(" ", args) + " failed: " + reply.code());
            return 1;
        }
        return 0;
    }

    /** The RPC request for a command line, or null when it is no command. */
    static String request(List<String> args) {
        String cmd = args.get(0);
        int n = args.size();
        return switch (cmd) {
            case "status" -> n == 1 ? "GetStatus" : null;
            case "feed" -> n == 1 ? "LoadFeed" : null;
            case "update" -> n == 3 && args.get(1).equals("apply") && !args.get(2).isBlank() ? "StageSystem " + args.get(2) : null;
            case "confirm" -> n == 1 ? "Confirm" : null;
            case "rollback" -> n == 1 ? "Rollback" : null;
            case "history" -> n == 1 ? "History" : null;
            case "receipts" -> n == 1 ? "Receipts" : null;
            case "selfcheck" -> n == 1 ? "Selfcheck" : n == 2 && args.get(1).equals("--deep") ? "Selfcheck --deep" : null;
            case "reboot" -> n == 1 ? "Reboot" : null;
            default -> null;
        };
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
