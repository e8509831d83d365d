package io.trialboot.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the client against a scripted QMP server on a real Unix socket. */
class QmpClientTest {
    private static final String GREETING = FakeQmpServer.GREETING;

    @TempDir
    Path dir;
    private FakeQmpServer server;
    private List<String> received = List.of();
    private int servers;

    private Path serve(String greeting, Function<String, String> answer) throws IOException {
        Path sock = dir.resolve("qmp" + ++servers + ".sock");
        server = new FakeQmpServer(sock, greeting, answer);
        received = server.received();
        return sock;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
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
    void returnsNestedRepliesAsMapsListsAndNumbers() throws IOException {
        Path sock = serve(GREETING, req -> req.contains("query-blockstats")
                ? "{\"return\": [{\"device\": \"disk0\", \"stats\": {\"wr_bytes\": 8589934592, \"idle_time_ns\": null,"
                        + " \"account\": true, \"name\": \"q\\\"\\u00e9\"}}]}"
                : "{\"return\": {}}");
        try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
            List<?> devices = (List<?>) qmp.execute("query-blockstats");
            Map<?, ?> stats = (Map<?, ?>) ((Map<?, ?>) devices.get(0)).get("stats");
            assertEquals(8589934592L, ((Number) stats.get("wr_bytes")).longValue());
            assertTrue(stats.containsKey("idle_time_ns"));
            assertEquals(Boolean.TRUE, stats.get("account"));
            assertEquals("q\"\u00e9", stats.get("name"));
        }
    }

    @Test
    void badJsonOrANonObjectIsAProtocolError() throws IOException {
        for (String reply : List.of("{\"return\": {}", "{\"return\": {}} trailing", "[1, 2]")) {
            Path sock = serve(GREETING, req -> req.contains("query-kvm") ? reply : "{\"return\": {}}");
            try (QmpClient qmp = QmpClient.connect(sock, Duration.ofSeconds(5))) {
                HarnessException e = assertThrows(HarnessException.class, qmp::kvmEnabled, reply);
                assertEquals(HarnessCode.QMP_PROTOCOL, e.code(), reply);
                assertTrue(e.getMessage().contains("while waiting for query-kvm"), e.getMessage());
            } finally {
                server.close();
                server = null;
            }
        }
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
