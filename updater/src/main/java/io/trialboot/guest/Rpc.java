package io.trialboot.guest;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * updated's local RPC over a Unix socket (docs/architecture.md#local-rpc): the client sends one
 * request line {@code <Operation> [args...]}; the server answers with text lines and a last
 * line {@code END <CODE>}, then closes. Plain text keeps the guest's start-up light and lets a
 * person debug it with {@code socat}.
 */
final class Rpc {
    static final String END = "END ";

    /** An RPC answer: the lines for the person, and the code (HOST_OK on success). */
    record Reply(List<String> lines, Code code) {
        Reply {
            lines = List.copyOf(lines);
        }

        static Reply ok(List<String> lines) {
            return new Reply(lines, Code.HOST_OK);
        }

        static Reply error(TrialbootException e) {
            return new Reply(List.of(e.getMessage()), e.code());
        }

        String encode() {
            StringBuilder sb = new StringBuilder();
            lines.forEach(l -> sb.append(l).append('\n'));
            return sb.append(END).append(code).append('\n').toString();
        }

        static Reply decode(String text) {
            List<String> all = text.lines().toList();
            if (all.isEmpty() || !all.get(all.size() - 1).startsWith(END)) {
                throw new TrialbootException(Code.MALFORMED_INPUT, "updated's reply has no END line (did it crash?)");
            }
            String code = all.get(all.size() - 1).substring(END.length());
            try {
                return new Reply(all.subList(0, all.size() - 1), Code.valueOf(code));
            } catch (IllegalArgumentException e) {
                throw new TrialbootException(Code.MALFORMED_INPUT, "updated replied with an unknown code '" + code + "'");
            }
        }
    }

    private Rpc() {}

    /** Reads one request line, bounded by {@link Bounds#RPC_REQUEST_BYTES}. */
    static String readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                break;
            }
            byte b = one.get(0);
            if (b == '\n') {
                break;
            }
            line.write(b);
            Bounds.check("RPC request", line.size(), Bounds.RPC_REQUEST_BYTES);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    static String readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (ch.read(buf) >= 0) {
            buf.flip();
            all.write(buf.array(), 0, buf.limit());
            buf.clear();
            Bounds.check("RPC reply", all.size(), Bounds.RPC_REPLY_BYTES);
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * Discards what the client still sends (at most {@link Bounds#RPC_REPLY_BYTES}), so closing
     * does not reset the connection before the client has read the reply.
     */
    static void drain(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        long total = 0;
        int n;
        while (total < Bounds.RPC_REPLY_BYTES && (n = ch.read(buf)) >= 0) {
            total += n;
            buf.clear();
        }
    }

    static void writeAll(SocketChannel ch, String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
