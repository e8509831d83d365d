package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.FakeQmpServer;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QemuVm against the fake QEMU (real pty, real process, no guest) across the end of a QEMU: a guest reset
 * starts a new one on the same overlay, a power cut (armed on a line, after a delay, after disk writes, or
 * now) kills it, a restart boots the same overlay again; and the media a VM may plug.
 */
class QemuVmPowerTest {
    @TempDir
    Path dir;

    private static Contract contract(String text) {
        return Contract.parse("test", text);
    }

    @Test
    void aGuestResetStartsANewQemuOnTheSameOverlayAndTheConsoleGoesOn() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\npause 0.3\nprint nx: console ready\nanswer\nreboot\n"
                + "banner\nprint bootctld: ready\nreboot\nbanner\nprint updated: ready\nhang\n")) {
            vm.typeAfter(Marker.GUEST_SHELL_READY, "nx reboot");
            vm.await(contract("boot 1\nexpect 10s GUEST_SHELL_READY\nexpect 10s \"got: nx reboot\"\n"
                    + "boot 2\nexpect 10s BOOTCTLD_READY\nboot 3\nexpect 10s UPDATED_READY\n"));
            assertTrue(vm.isRunning());
            assertEquals(OptionalInt.empty(), vm.exitCode(), "a reset is no exit");
            assertEquals(2, vm.relaunches());
            assertEquals(3, vm.currentBoot());
            assertEquals(List.of("reboot: Restarting system/1", "reboot: Restarting system/2"), vm.lines().stream()
                    .filter(l -> l.text().contains("Restarting")).map(l -> l.text().replaceAll("^\\[.*?\\] ", "") + "/" + l.boot())
                    .toList());
        }
    }

    @Test
    void aResetLineThenAPowerCutOrAPlainExitStartsNoNewQemu() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint [    1.000000] reboot: Restarting system\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"<text>reboot: Restarting system\"\n"));
            vm.powerCut(); // SIGKILL: the reset never happened
            assertFalse(vm.isRunning());
            assertEquals(0, vm.relaunches());
            assertTrue(vm.exitCode().orElseThrow() != 0);
        }
        try (QemuVm vm = FakeQemu.start(dir.resolve("exit"), "banner\nprint bye\nexit 0\n")) {
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("QEMU exited with code 0"), e.getMessage());
            assertEquals(0, vm.relaunches());
        }
    }

    @Test
    void armedPowerCutKillsRightAfterTheMarkerAndRestartBootsTheSameOverlay() throws IOException {
        // the fake guest waits a second first: the cut is armed after the VM started, and a loaded host may run the script before that
        try (QemuVm vm = FakeQemu.start(dir, "banner\npause 1\nprint update: apply ok slot=b kind=full\npause 2\nprint too late\nhang\n")) {
            vm.power().cutAfter(Marker.UPDATE_APPLY_OK, "b", "full");
            vm.await(contract("boot 1\nexpect 10s UPDATE_APPLY_OK b full\n"));
            assertKilledByTheCutBeforeTooLate(vm);

            vm.restart();
            assertFalse(vm.power().cutFired(), "a restart starts a new QEMU");
            vm.await(contract("boot 2\nexpect 10s UPDATE_APPLY_OK b full\n"));
            assertTrue(vm.isRunning());
            assertEquals(2, vm.currentBoot());
        }
    }

    @Test
    void delayedPowerCutLandsAfterTheLinePlusTheDelay() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\npause 1\nprint update: progress slot=b written=8388608 total=90177536\n"
                + "print early\npause 3\nprint too late\nhang\n")) {
            vm.power().cutWhen(text -> text.startsWith("update: progress "), Duration.ofMillis(800));
            vm.await(contract("boot 1\nexpect 10s \"early\"\n")); // printed after the line: the cut waits
            assertKilledByTheCutBeforeTooLate(vm);
            assertThrows(IllegalArgumentException.class, () -> vm.power().cutWhen(t -> true, Duration.ofMillis(-1)));
        }
    }

    @Test
    void aPowerCutInADelayKillsTheQemuRunningNow() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint resumed\npause 3\nprint too late\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"resumed\"\n"));
            vm.power().cutIn(Duration.ofMillis(300));
            assertKilledByTheCutBeforeTooLate(vm);
            assertThrows(IllegalArgumentException.class, () -> vm.power().cutIn(Duration.ofMillis(-1)));
        }
    }

    @Test
    void powerCutNowAndTypingIntoADeadVmIsConsoleClosed() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"OpenSBI v<int>.<int>\"\n"));
            vm.powerCut();
            assertFalse(vm.isRunning());
            HarnessException e = assertThrows(HarnessException.class, () -> vm.type("reboot"));
            assertEquals(HarnessCode.CONSOLE_CLOSED, e.code());
            assertTrue(e.getMessage().startsWith("CONSOLE_CLOSED: cannot type 'reboot': QEMU exited with code"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> {
                vm.restart();
                vm.restart();
            });
        }
    }

    @Test
    void readsWrittenBytesOfTheDiskFromBlockstats() {
        Object reply = List.of(
                Map.of("device", "media0", "stats", Map.of("wr_bytes", 0L)),
                Map.of("device", "disk0", "stats", Map.of("wr_bytes", 1_048_576L, "rd_bytes", 7L)));
        assertEquals(1_048_576L, PowerCuts.writtenBytes(reply, "disk0"));
        assertEquals(0L, PowerCuts.writtenBytes(reply, "disk1"));
        assertEquals(0L, PowerCuts.writtenBytes(Map.of(), "disk0"));
    }

    @Test
    void diskWriteCutFiresOnceTheGuestHasWrittenEnough() throws Exception {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nhang\n")) {
            AtomicLong written = new AtomicLong();
            // QEMU's socket path; the fake QEMU has none, so the test serves QMP there itself
            try (FakeQmpServer qmp = new FakeQmpServer(vm.runDir().resolve("qmp.sock"), FakeQmpServer.GREETING,
                    req -> req.contains("query-blockstats")
                            ? "{\"return\": [{\"device\": \"disk0\", \"stats\": {\"wr_bytes\": " + written.addAndGet(1024) + "}}]}"
                            : "{\"return\": {}}")) {
                vm.power().cutAfterDiskWrites(8192);
                AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
                assertTrue(e.getMessage().contains("(killed by the armed power cut)"), e.getMessage());
                assertTrue(written.get() >= 8192, "cut before the threshold: " + written.get());
                assertTrue(vm.power().cutFired());
            }
        }
    }

    @Test
    void plugMediaNeedsTheHotplugPortAndNoBootMedia() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nhang\n")) {
            HarnessException e = assertThrows(HarnessException.class, () -> vm.plugMedia(dir.resolve("media.raw")));
            assertEquals(HarnessCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().startsWith("CONFIG_INVALID: plugMedia needs hotplugPort(true) and attachMedia(false)"), e.getMessage());
        }
    }

    /** The armed cut killed QEMU before the guest printed "too late": an await fails saying so, the cut fired, QEMU is gone. */
    private static void assertKilledByTheCutBeforeTooLate(QemuVm vm) {
        AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("(killed by the armed power cut)"), e.getMessage());
        assertFalse(vm.lines().stream().anyMatch(l -> l.text().equals("too late")), "the guest got further than the cut");
        assertTrue(vm.power().cutFired());
        assertFalse(vm.isRunning());
    }
}
