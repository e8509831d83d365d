package io.trialboot.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.HarnessCode;
import io.trialboot.harness.HarnessException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the client against a scripted QMP server on a real Unix socket. */
class QmpClientTest {
    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}";

    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;
    private Thread thread;

    /** Serves one connection: sends {@code greeting}, then answers each request line with {@code answer}. */
    private Path serve(String greeting, Function<String, String> answer) throws IOException {
        Path sock = dir.resolve("qmp.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        thread = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                OutputStream out = Channels.newOutputStream(ch);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                out.write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    String reply = answer.apply(line);
                    if (reply == null) return; // hang up, as QEMU does after quit
                    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the client closed first: the test asserts on what it saw
            }
        });
        thread.setDaemon(true);
        thread.start();
        return sock;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
        if (thread != null) {
            thread.interrupt();
            thread.join(2000);
        }
    }

    @Test
    void negotiatesCapabilitiesAndReturnsTheReplySkippingEvents() throws IOException {
        Path sock = serve(GREETING, req -> req.contains("query-kvm")
                ? "{\"event\": \"RESUME\", \"data\": {}}\r\n{\"return\": {\"enabled\": false, \"present\": false}}"
                : "{\"return\": {}}");
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            assertTrue(qmp.greeting().containsKey("QMP"));
            assertFalse(qmp.kvmEnabled());
        }
        assertEquals(List.of("{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"query-kvm\"}"), received);
    }

    @Test
    void sendsArgumentsAsJson() throws IOException {
        Path sock = serve(GREETING, req -> "{\"return\": {}}");
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            qmp.deviceAdd("virtio-blk-pci", "media0", Map.of("drive", "m1"));
            qmp.systemReset();
        }
        assertEquals("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"virtio-blk-pci\",\"id\":\"media0\",\"drive\":\"m1\"}}", received.get(1));
        assertEquals("{\"execute\":\"system_reset\"}", received.get(2));
    }

    @Test
    void errorReplyThrowsQmpErrorWithQemusDescription() throws IOException {
        Path sock = serve(GREETING, req -> req.contains("device_del")
                ? "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Bus 'virtio-mmio-bus.6' does not support hotplugging\"}}"
                : "{\"return\": {}}");
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            HarnessException e = assertThrows(HarnessException.class, () -> qmp.deviceDel("media0"));
            assertEquals(HarnessCode.QMP_ERROR, e.code());
            assertEquals("QMP_ERROR: device_del failed: GenericError: Bus 'virtio-mmio-bus.6' does not support hotplugging", e.getMessage());
        }
    }

    @Test
    void quitAcceptsTheServerHangingUp() throws IOException {
        Path sock = serve(GREETING, req -> req.contains("quit") ? null : "{\"return\": {}}");
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            qmp.quit();
        }
        assertEquals("{\"execute\":\"quit\"}", received.get(1));
    }

    @Test
    void missingGreetingIsAProtocolError() throws IOException {
        Path sock = serve("{\"hello\": 1}", req -> "{\"return\": {}}");
        HarnessException e = assertThrows(HarnessException.class, () -> QmpClient.connect(sock, Duration.ofSeconds(5)));
        assertEquals(HarnessCode.QMP_PROTOCOL, e.code());
        assertTrue(e.getMessage().startsWith("QMP_PROTOCOL: expected a QMP greeting"), e.getMessage());
    }

    @Test
    void silentServerTimesOutAsUnavailable() throws IOException {
        Path sock = serve(GREETING, req -> {
            try {
                Thread.sleep(5000); // never answers within the client's bound
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        HarnessException e = assertThrows(HarnessException.class, () -> QmpClient.connect(sock, Duration.ofMillis(200)));
        assertEquals(HarnessCode.QMP_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().startsWith("QMP_UNAVAILABLE: no QMP reply to qmp_capabilities within PT0.2S"), e.getMessage());
    }

    @Test
    void absentSocketIsUnavailableAfterTheBound() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> QmpClient.connect(dir.resolve("none.sock"), Duration.ofMillis(100)));
        assertEquals(HarnessCode.QMP_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().startsWith("QMP_UNAVAILABLE: no QMP socket at " + dir.resolve("none.sock")), e.getMessage());
    }
}
