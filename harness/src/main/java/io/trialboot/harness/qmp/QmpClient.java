package io.trialboot.harness.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A client for QEMU's machine protocol (QMP) on a Unix socket: the capabilities handshake, then
 * one command at a time, each answered within a bounded time. Asynchronous events are skipped.
 * The socket is the JDK's (Unix-domain {@link SocketChannel}, JDK 16+); messages are JSON lines read
 * and written with Jackson.
 */
public final class QmpClient implements AutoCloseable {
    private static final Duration CONNECT_RETRY = Duration.ofMillis(20);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration replyTimeout;
    private final Path socket;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Map<String, Object> greeting;

    private QmpClient(SocketChannel channel, Path socket, Duration replyTimeout) throws IOException {
        this.channel = channel;
        this.socket = socket;
        this.replyTimeout = replyTimeout;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.greeting = readGreeting();
    }

    /**
     * Connects to {@code socket}, retrying until QEMU has created it or {@code timeout} passes,
     * reads the greeting and negotiates capabilities. Each later reply must arrive within
     * {@code timeout} too.
     */
    public static QmpClient connect(Path socket, Duration timeout) {
        Objects.requireNonNull(socket, "socket");
        AtomicReference<IOException> last = new AtomicReference<>();
        try {
            // QEMU creates the socket while it starts
            return Awaitility.await("QMP at " + socket).pollInSameThread().atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(CONNECT_RETRY).until(() -> tryConnect(socket, timeout, last), Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            IOException cause = last.get();
            throw new HarnessException(HarnessCode.QMP_UNAVAILABLE, "no QMP socket at " + socket + " within " + timeout
                    + (cause == null ? "" : ": " + cause.getMessage()), cause == null ? e : cause);
        }
    }

    /** A connected client, or null (the failure kept in {@code last}) when the socket is not there yet. */
    private static QmpClient tryConnect(Path socket, Duration timeout, AtomicReference<IOException> last) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            QmpClient client = new QmpClient(ch, socket, timeout);
            client.execute("qmp_capabilities");
            return client;
        } catch (IOException e) {
            last.set(e);
            closeQuietly(ch);
            return null;
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** The server's greeting object ({@code {"QMP": {"version": ...}}}). */
    public Map<String, Object> greeting() {
        return greeting;
    }

    /** Runs a command without arguments; see {@link #execute(String, Map)}. */
    public Object execute(String command) {
        return execute(command, Map.of());
    }

    /**
     * Runs {@code command} with {@code args} and returns the reply's {@code return} value (a map,
     * list, string, number, boolean or null). An error reply throws {@link HarnessCode#QMP_ERROR}
     * with QEMU's class and description.
     */
    public synchronized Object execute(String command, Map<String, ?> args) {
        Objects.requireNonNull(command, "command");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("execute", command);
        if (!args.isEmpty()) request.put("arguments", args);
        send(request);
        Map<String, Object> reply = readReply(command);
        if (reply.containsKey("error")) {
            Object error = reply.get("error");
            String detail = error instanceof Map<?, ?> m ? m.get("class") + ": " + m.get("desc") : String.valueOf(error);
            throw new HarnessException(HarnessCode.QMP_ERROR, command + " failed: " + detail);
        }
        return reply.get("return");
    }

    /** Asks QEMU to exit. QEMU may close the socket right after its reply; that is success. */
    public synchronized void quit() {
        send(Map.of("execute", "quit"));
        try {
            readReply("quit");
        } catch (HarnessException e) {
            if (e.code() != HarnessCode.QMP_PROTOCOL) throw e; // EOF: QEMU is already going
        }
    }

    /**
     * Resets the machine (like pressing reset). Under {@code -no-reboot}, as the harness runs QEMU, QEMU
     * then exits instead of rebooting the guest in the same process.
     */
    public void systemReset() {
        execute("system_reset");
    }

    /** Adds a read-only raw block node for {@code file} ({@code blockdev-add}). */
    public void blockdevAddReadOnlyRaw(String nodeName, Path file) {
        execute("blockdev-add", Map.of("node-name", nodeName, "driver", "raw", "read-only", true,
                "file", Map.of("driver", "file", "filename", file.toAbsolutePath().toString(), "read-only", true)));
    }

    /** Plugs a device ({@code device_add}): {@code driver}, its {@code id}, and further properties. */
    public void deviceAdd(String driver, String id, Map<String, ?> properties) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("driver", driver);
        args.put("id", id);
        args.putAll(properties);
        execute("device_add", args);
    }

    /**
     * Asks for a device to be unplugged ({@code device_del}). On PCIe the guest completes the
     * removal; virtio-mmio devices ({@code virtio-blk-device}) cannot be unplugged at all.
     */
    public void deviceDel(String id) {
        execute("device_del", Map.of("id", id));
    }

    /** Whether QEMU runs with KVM acceleration ({@code query-kvm}); false means TCG emulation. */
    public boolean kvmEnabled() {
        Object r = execute("query-kvm");
        return r instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("enabled"));
    }

    @Override
    public void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    private Map<String, Object> readGreeting() {
        Map<String, Object> msg = readMessage("greeting");
        if (!msg.containsKey("QMP")) {
            throw new HarnessException(HarnessCode.QMP_PROTOCOL, "expected a QMP greeting on " + socket + ", got " + msg);
        }
        return msg;
    }

    private Map<String, Object> readReply(String command) {
        while (true) {
            Map<String, Object> msg = readMessage(command);
            if (msg.containsKey("return") || msg.containsKey("error")) return msg;
            if (!msg.containsKey("event")) {
                throw new HarnessException(HarnessCode.QMP_PROTOCOL, "unexpected QMP message for " + command + ": " + msg);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readMessage(String waitingFor) {
        String line = readLine(waitingFor);
        Object value;
        try {
            value = JSON.readValue(line, Object.class);
        } catch (JsonProcessingException e) {
            throw new HarnessException(HarnessCode.QMP_PROTOCOL, "bad JSON from QMP while waiting for " + waitingFor + ": "
                    + e.getOriginalMessage(), e);
        }
        if (!(value instanceof Map)) {
            throw new HarnessException(HarnessCode.QMP_PROTOCOL, "QMP sent a non-object while waiting for " + waitingFor + ": " + line);
        }
        return (Map<String, Object>) value;
    }

    private String readLine(String waitingFor) {
        long deadline = System.nanoTime() + replyTimeout.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        while (true) {
            String line = takeLine();
            if (line != null) {
                if (line.isBlank()) continue;
                return line;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new HarnessException(HarnessCode.QMP_UNAVAILABLE, "no QMP reply to " + waitingFor + " within " + replyTimeout);
            }
            try {
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    throw new HarnessException(HarnessCode.QMP_PROTOCOL, "QMP closed the connection while waiting for " + waitingFor);
                }
                pending.write(buf.array(), 0, n);
            } catch (IOException e) {
                throw new HarnessException(HarnessCode.QMP_PROTOCOL, "QMP read failed while waiting for " + waitingFor + ": " + e.getMessage(), e);
            }
        }
    }

    /** The next complete line of {@link #pending}, or null when none has arrived yet. */
    private String takeLine() {
        byte[] bytes = pending.toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                String line = new String(bytes, 0, i, StandardCharsets.UTF_8);
                pending.reset();
                pending.write(bytes, i + 1, bytes.length - i - 1);
                return line;
            }
        }
        return null;
    }

    private void send(Map<String, ?> message) {
        String json;
        try {
            json = JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new HarnessException(HarnessCode.QMP_PROTOCOL, "cannot write " + message + " as JSON: " + e.getOriginalMessage(), e);
        }
        ByteBuffer out = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            long deadline = System.nanoTime() + replyTimeout.toNanos();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0 && System.nanoTime() - deadline > 0) {
                    throw new HarnessException(HarnessCode.QMP_UNAVAILABLE, "QMP did not accept " + json + " within " + replyTimeout);
                }
            }
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.QMP_PROTOCOL, "cannot send " + json + " to QMP: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a socket we are abandoning: nothing useful to report
        }
    }
}
