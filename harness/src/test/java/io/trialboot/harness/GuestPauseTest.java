package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.harness.qmp.FakeQmpServer;
import io.trialboot.harness.qmp.QmpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestPauseTest {
    private static final VcpuSnapshot IN_OPENSBI = new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x80004938L));
    private static final VcpuSnapshot IN_KERNEL = new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0xffffffff80a0b1d0L));

    @TempDir
    Path dir;

    @Test
    void aHartInTheFirmwareIsLetRunOnUntilEveryHartIsOutOfIt() throws Exception {
        Deque<VcpuSnapshot> harts = new ArrayDeque<>(List.of(IN_OPENSBI, IN_OPENSBI, IN_KERNEL));
        assertEquals(List.of("stop", "cont", "stop", "cont", "stop"), commandsOf(harts::pop));
    }

    @Test
    void aGuestOutsideTheFirmwareIsStoppedOnce() throws Exception {
        assertEquals(List.of("stop"), commandsOf(() -> IN_KERNEL));
    }

    @Test
    void aHartThatNeverLeavesTheFirmwareIsTriedABoundedNumberOfTimes() throws Exception {
        List<String> sent = commandsOf(() -> IN_OPENSBI);
        assertEquals(1 + 2 * 100, sent.size());
        assertEquals("stop", sent.get(sent.size() - 1), "it ends stopped");
    }

    private List<String> commandsOf(Supplier<VcpuSnapshot> harts) throws Exception {
        Path socket = dir.resolve("qmp.sock");
        try (FakeQmpServer server = new FakeQmpServer(socket, FakeQmpServer.GREETING, line -> "{\"return\": {}}");
             QmpClient qmp = QmpClient.connect(socket, Duration.ofSeconds(5))) {
            GuestPause.stopOutsideFirmware(qmp, harts);
            return server.received().stream()
                    .map(l -> l.replaceAll(".*\"execute\": *\"([a-z_-]+)\".*", "$1"))
                    .filter(c -> !c.equals("qmp_capabilities"))
                    .toList();
        }
    }
}
