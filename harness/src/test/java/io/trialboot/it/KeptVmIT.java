package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmTerminal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * A deliberately failed test with {@code trialboot.keepFailedVm=true} leaves its VM running;
 * {@code scripts/vm --attach <run dir>} reaches its console in a pty, {@code nx status} answers,
 * and Ctrl-A X quits QEMU, which lets the failed test's run end.
 */
class KeptVmIT {
    /**
     * Run through the test kit only (no IT suffix: failsafe never runs it on its own). Its VM starts at
     * the factory image's first prompt (a snapshot): what is kept is a running guest, however it got there.
     */
    @QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
    static class FailsOnPurpose {
        @Test
        void failsOnceTheShellIsReady(QemuVm vm) {
            fail("deliberately, so that its VM is kept");
        }
    }

    @Test
    void aKeptVmTakesAnAttachedConsoleAndQuitsOnCtrlAX() throws Exception {
        Path runDir = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs"), "FailsOnPurpose",
                "failsOnceTheShellIsReady").toAbsolutePath();
        Files.deleteIfExists(runDir.resolve(VmTerminal.CONSOLE_SOCKET));
        CompletableFuture<Events> failedRun = CompletableFuture.supplyAsync(() -> EngineTestKit.engine("junit-jupiter")
                .configurationParameter("trialboot.keepFailedVm", "true")
                .selectors(selectClass(FailsOnPurpose.class)).execute().testEvents());
        Duration boot = TimeoutScale.fromEnvironment().scale(Duration.ofSeconds(300));
        for (long end = System.nanoTime() + boot.toNanos(); !Files.exists(runDir.resolve(VmTerminal.CONSOLE_SOCKET)); ) {
            if (failedRun.isDone() || System.nanoTime() > end) {
                fail("no console.sock in " + runDir + (failedRun.isDone() ? ": the failed run ended without keeping its VM" : " within " + boot));
            }
            Thread.sleep(200);
        }
        try (ScriptTerminal attached = new ScriptTerminal("--attach", runDir.toString())) {
            int at = attached.await("vm: attached to " + runDir, 0, Duration.ofSeconds(60));
            attached.type("nx status\r");
            at = attached.await("slot=a", at, Duration.ofSeconds(60));
            attached.await("version=1.0.0", at, Duration.ofSeconds(30));
            attached.type((byte) 1, (byte) 'x');
            assertEquals(0, attached.awaitExit(Duration.ofSeconds(20)), "the attach ends when QEMU quits; screen:\n" + attached.tail());
        }
        Events events = failedRun.get(TimeoutScale.fromEnvironment().scale(Duration.ofSeconds(60)).toSeconds(), TimeUnit.SECONDS);
        events.assertStatistics(s -> s.failed(1));
        assertFalse(Files.exists(runDir.resolve(VmTerminal.CONSOLE_SOCKET)), "the socket goes with the VM");
        assertTrue(Files.exists(runDir.resolve("overlay.qcow2")), "a failed test keeps its overlay");
    }
}
