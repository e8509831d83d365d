package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Feed;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.update.HistoryRepair;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * updated: the update daemon's local RPC on a Unix socket ({@link Rpc}). Reports ready only once
 * the socket is bound and accepting. One request at a time ({@link RequestGate}: a client arriving
 * while another's request is in flight gets {@code HOST_CONCURRENT_MODIFICATION}), each under the engine's lock; every
 * request is audited to the console ({@code updated: <op> -> <CODE>}) and every state change to the
 * history by the engine. The operations are {@link RpcOperation}'s.
 */
final class Updated implements AutoCloseable {
    /** How long {@link #close} waits for the accepting thread to end. */
    private static final Duration ACCEPTOR_END = Duration.ofSeconds(5);
    /** Who reboots on {@code nx reboot}: the reboot's history line ({@code by}) and its warning. */
    private static final String NX = "nx";

    private final GuestPaths paths;
    private final Bootctld bootctld;
    private final Bundlemgrd bundlemgrd;
    private final UpdateService updates;
    private final AdmissionService admissions;
    private final Power power;
    private final PrintStream console;
    private final RequestGate gate = new RequestGate();
    private ServerSocketChannel server;
    private Thread acceptor;

    Updated(GuestPaths paths, Bootctld bootctld, Bundlemgrd bundlemgrd, UpdateService updates,
            AdmissionService admissions, Power power, PrintStream console) {
        this.paths = paths;
        this.bootctld = bootctld;
        this.bundlemgrd = bundlemgrd;
        this.updates = updates;
        this.admissions = admissions;
        this.power = power;
        this.console = console;
    }

    /**
     * Binds updated's socket, replacing a stale one; nothing is accepted on it before {@link #start}.
     * The boot does this on a start-up thread while it records the boot (Guest): the JDK's socket
     * set-up is about 0.1 s of CPU under emulation (docs/benchmarks.md, "Boot").
     */
    static ServerSocketChannel listen(Path socket) {
        ServerSocketChannel bound = null;
        try {
            Files.deleteIfExists(socket);
            bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            bound.bind(UnixDomainSocketAddress.of(socket));
            return bound;
        } catch (IOException e) {
            closeQuietly(bound);
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot listen on " + socket + ": " + IoFailure.reason(e), e);
        }
    }

    /** A socket {@link #listen} bound that no updated will serve: closed, and its file removed. */
    static void unlisten(ServerSocketChannel bound, Path socket) throws IOException {
        bound.close();
        Files.deleteIfExists(socket);
    }

    private static void closeQuietly(ServerSocketChannel c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // the bind's failure is what is reported
        }
    }

    /** Accepts on {@code bound} ({@link #listen}'s, on {@link GuestPaths#socket}) and reports ready. */
    void start(ServerSocketChannel bound) {
        server = bound;
        acceptor = new Thread(this::serve, "updated-rpc");
        acceptor.setDaemon(true);
        acceptor.start();
        console.println(Marker.UPDATED_READY.line());
    }

    /** Accepts every client at once, each answered on its own thread; {@link RequestGate} lets one work at a time. */
    private void serve() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread t = new Thread(() -> answer(ch), "updated-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    console.println(Marker.UPDATED_RPC_FAILED.line("accept", Marker.oneLine(e.toString())));
                }
            }
        }
    }

    private void answer(SocketChannel client) {
        try (SocketChannel ch = client) {
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
            if (request.equals(RpcOperation.REBOOT.wire()) && reply.code() == Code.HOST_OK) {
                power.reboot();
            }
        } catch (IOException e) {
            if (server.isOpen()) {
                console.println(Marker.UPDATED_RPC_FAILED.line("connection", Marker.oneLine(e.toString())));
            }
        }
    }

    Rpc.Reply handle(String request) {
        List<String> words = List.of(request.strip().split("\\s+"));
        String op = words.get(0);
        Rpc.Reply reply;
        try {
            reply = Rpc.Reply.ok(gate.run(String.join(" ", words), () -> {
                synchronized (updates.engine()) {
                    return dispatch(op, words.subList(1, words.size()));
                }
            }));
        } catch (TrialbootException e) {
            reply = Rpc.Reply.error(e);
        } catch (RuntimeException e) {
            // A bug or an unexpected I/O failure must not end the RPC thread: answer it and keep serving.
            reply = new Rpc.Reply(List.of("HOST_IO_ERROR: " + op + " failed unexpectedly: " + e), Code.HOST_IO_ERROR);
        }
        console.println(Marker.UPDATED_AUDIT.line(Marker.oneLine(String.join(" ", words)), reply.code()));
        return reply;
    }

    private List<String> dispatch(String name, List<String> args) {
        RpcOperation op = RpcOperation.ofWire(name).orElseThrow(() -> new TrialbootException(Code.MALFORMED_INPUT,
                "unknown operation '" + name + "' (known: " + RpcOperation.wireNames() + ")"));
        try {
            op.requireArgs(args);
        } catch (TrialbootException e) {
            // an install refused for its form is still a refusal: receipt, history line, console line
            throw op == RpcOperation.STAGE_SYSTEM ? updates.refuse(args.isEmpty() ? "(none)" : String.join(",", args), e) : e;
        }
        boolean json = args.equals(List.of("--json"));
        return switch (op) {
            case GET_STATUS -> json ? List.of(status().json()) : status().lines();
            case LOAD_FEED -> feed(updates.loadFeed());
            case STAGE_SYSTEM -> InstallReply.of(updates.apply(updates.stage(args.get(0)))).lines();
            case SWITCH -> {
                UpdateReceipt r = updates.switchSlot(updates.receipt(attempt(args.get(0))));
                yield List.of("attempt=" + r.attempt(), "trial=" + r.targetSlot(), "reboot to try it (nx reboot)");
            }
            case HEALTH_OK, CONFIRM -> List.of("active=" + updates.confirm().letter());
            case ROLLBACK -> List.of("next=" + updates.rollback().letter(), "reboot to use it (nx reboot)");
            case HISTORY -> updates.engine().history().read().stream().map(HistoryView::line).toList();
            case HISTORY_REPAIR -> {
                HistoryRepair.Repaired r = updates.engine().repairHistory();
                yield List.of("kept " + r.entry().field("torn_bytes") + " torn bytes in " + r.kept(),
                        HistoryView.line(r.entry()), "nx selfcheck: installs need it OK");
            }
            case RECEIPTS -> json ? receiptsJson() : ReceiptTable.lines(updates.engine().receipts().list());
            case SELFCHECK -> selfcheck(!args.isEmpty());
            case ADMIT -> {
                AdmissionService.Applied a = admissions.admit(args.get(0));
                yield List.of("sequence=" + a.sequence(), "outcome=" + a.outcome(), "domain=" + a.state());
            }
            case REBOOT -> {
                // A history that cannot take the reboot's line does not hold it up (RebootAudit): a
                // power cycle, the only other way, would be just as unrecorded.
                RebootAudit.write(updates.engine(), NX, console);
                yield List.of("rebooting");
            }
        };
    }

    private static long attempt(String text) {
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "attempt must be a positive number: '" + text + "'");
        }
        return Long.parseLong(text);
    }

    private StatusReply status() {
        BootControlFile now = bootctld.current();
        Slot booted = bootctld.bootedSlot();
        boolean trial = now.trial().map(booted::equals).orElse(false);
        Optional<HistoryEntry> lastBoot = trial ? Optional.empty() : StatusMode.lastBoot(updates.engine().history());
        return new StatusReply(booted, bundlemgrd.version(), now.bootCount(), StatusMode.of(trial, now.bootCount(), lastBoot).text(),
                now.triesLeft(), now.slotA(), now.slotB(), now.active(), now.trial(), updates.engine().floor(),
                verityRoot(Slot.A), verityRoot(Slot.B), admissions.state());
    }

    private Optional<Sha256> verityRoot(Slot slot) {
        return updates.snapshot(slot).flatMap(SlotSnapshot::verity).map(VerityParams::rootHash);
    }

    private static List<String> feed(VerifiedFeed vf) {
        List<String> lines = new ArrayList<>();
        for (Feed.Entry e : vf.feed().entries()) {
            lines.add(e.version() + " " + e.path() + " sha256=" + e.sha256().shortHex() + " size=" + e.size());
        }
        return lines;
    }

    private List<String> receiptsJson() {
        List<String> lines = new ArrayList<>();
        for (UpdateReceipt r : updates.engine().receipts().list()) {
            lines.add(new String(r.encode(), StandardCharsets.UTF_8).strip());
        }
        return lines;
    }

    private List<String> selfcheck(boolean deep) {
        HostStatus s = updates.selfcheck(deep);
        String name = HostStatus.fileName(s.n());
        if (!s.ok()) {
            throw new TrialbootException(Code.UPDATE_PRECHECK_FAILED, name + ": " + String.join("; ", s.failures())
                    + " (installs are refused until a selfcheck is OK)");
        }
        List<String> lines = new ArrayList<>(List.of(name + ": OK"));
        lines.addAll(s.checked());
        return lines;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (server != null) {
            server.close();
            Files.deleteIfExists(paths.socket());
            // Its accept ends with the close: the JVM does not exit beneath it (the training boot's
            // class list then holds what that end loads in every build; ClassArchive).
            acceptor.join(ACCEPTOR_END.toMillis());
        }
    }
}
