package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.qmp.FakeQmpServer;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QemuVm against the fake QEMU: real pty, real process, no guest. */
class QemuVmTest {
    @TempDir
    Path dir;

    private QemuVm boot(String script) throws IOException {
        return QemuVm.start(FakeQemu.config(dir, script).build());
    }

    private static Contract contract(String text) {
        return Contract.parse("test", text);
    }

    @Test
    void stampsLinesWithBootIndexesAndWritesSerialLog() throws IOException {
        try (QemuVm vm = boot("print before firmware\nbanner\nprint bootctld: ready\nbanner\nprint updated: ready\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s BOOTCTLD_READY\nboot 2\nexpect 10s UPDATED_READY\n"));
            List<ConsoleLine> lines = vm.lines();
            assertEquals(List.of("before firmware/0", "OpenSBI v1.1/1", "bootctld: ready/1", "OpenSBI v1.1/2", "updated: ready/2"),
                    lines.stream().map(l -> l.text() + "/" + l.boot()).toList());
            assertEquals(2, vm.currentBoot());
            List<ConsoleLine> logged = ConsoleLog.read(vm.serialLog());
            assertEquals(lines, logged.subList(0, lines.size()));
        }
    }

    @Test
    void awaitReturnsCapturesAndTheNextAwaitContinuesAfterTheMatch() throws IOException {
        try (QemuVm vm = boot("banner\nprint stage0: boot slot=a mode=normal tries_left=0 boot=7\n"
                + "print bootctld: ready\nprint bootctld: ready\nhang\n")) {
            Map<String, String> captures = vm.await(contract("boot 1\nexpect 10s STAGE0_BOOT a normal * :boots\nexpect 10s BOOTCTLD_READY\n"));
            assertEquals(Map.of("boots", "7"), captures);
            // the second 'bootctld: ready' is still unconsumed
            vm.await(Marker.BOOTCTLD_READY, Duration.ofSeconds(10));
        }
    }

    @Test
    void failsFastWithTheExitCodeWhenQemuDies() throws IOException {
        try (QemuVm vm = boot("banner\nprint bootctld: ready\nprint last words\nexit 3\n")) {
            long t0 = System.nanoTime();
            AssertionError e = assertThrows(AssertionError.class,
                    () -> vm.await(contract("boot 1\nexpect 10s BOOTCTLD_READY\nexpect 60s UPDATED_READY\n")));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "waited out the timeout");
            String m = e.getMessage();
            assertTrue(m.startsWith("contract 'test' failed at step 2 of 2 (boot 1): marker 'updated: ready' not seen: the console ended"), m);
            assertTrue(m.contains("last words"), m);
            assertTrue(m.contains("QEMU exited with code 3\ntimeout scale 1.0 (default); QEMU without acceleration (TCG)\nfull log: "
                    + vm.serialLog() + "\ntimeline: " + vm.timelineFile().toUri()), m);
            assertTrue(Files.exists(vm.timelineFile()), "the failure writes the timeline it links");
            assertTrue(Files.readString(vm.contractsFile()).matches(
                    "from-line=0 from-ms=\\d+ until-ms=\\d+ scale=1 source=inline outcome=failed steps=1/2 contract=test\n"), Files.readString(vm.contractsFile()));
            assertEquals(m + "\n", Files.readString(vm.reportFile()));
            assertEquals(3, vm.exitCode().orElseThrow());
            vm.close();
            String timeline = Files.readString(vm.timelineFile());
            assertTrue(timeline.contains("<td class=\"t\">test #1 bootctld: ready</td>"), timeline);
            assertTrue(timeline.contains("<tr class=\"fail\"><td class=\"n\">"), timeline);
            assertTrue(timeline.contains("QEMU exited with code 3; 1 contract steps met, 1 failed"), timeline);
        }
    }

    @Test
    void failsFastOnAForbiddenLine() throws IOException {
        try (QemuVm vm = boot("banner\nprint Kernel panic - not syncing: VFS\nhang\n")) {
            long t0 = System.nanoTime();
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(contract(
                    "forbid contains \"Kernel panic\"\nboot 1\nexpect 60s BOOTCTLD_READY\n")));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "waited out the timeout");
            assertTrue(e.getMessage().contains("forbidden line at"), e.getMessage());
            assertTrue(e.getMessage().contains("QEMU still running\ntimeout scale "), e.getMessage());
        }
    }

    @Test
    void timeoutMessageCarriesTheReport() throws IOException {
        try (QemuVm vm = boot("banner\nprint bootctld: ready\nprint bundle hello: starting\nhang\n")) {
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(contract(
                    "boot 1\nexpect 10s BOOTCTLD_READY\nexpect 300ms UPDATED_READY\nexpect 10s GUEST_SHELL_READY\n")));
            String m = e.getMessage();
            assertTrue(m.startsWith("contract 'test' failed at step 2 of 3 (boot 1): marker 'updated: ready' not seen within"), m);
            assertTrue(m.contains("still waiting for: [nx: console ready]"), m);
            assertTrue(m.contains("bundle hello: starting"), m);
            assertTrue(m.contains("QEMU still running"), m);
        }
    }

    @Test
    void typedCommandReachesTheProcessAndPromptIsALine() throws IOException {
        try (QemuVm vm = boot("banner\nprompt ~ # \nanswer\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"~ #\"\n")); // the matcher ignores trailing blanks
            vm.type("nx status");
            vm.await(contract("boot 1\nexpect 10s \"got: nx status\"\n"));
            assertTrue(vm.lines().stream().anyMatch(l -> l.text().equals("nx status")), "the pty echo is a line of its own");
        }
    }

    @Test
    void typeAfterTypesFromTheConsoleThreadSoOneContractSpansTheReboot() throws IOException {
        try (QemuVm vm = boot("banner\npause 0.3\nprint nx: console ready\nanswer\nbanner\nprint bootctld: ready\nhang\n")) {
            vm.typeAfter(Marker.GUEST_SHELL_READY, "nx reboot");
            vm.await(contract("boot 1\nexpect 10s GUEST_SHELL_READY\nexpect 10s \"got: nx reboot\"\nboot 2\nexpect 10s BOOTCTLD_READY\n"));
        }
    }

    @Test
    void aGuestResetStartsANewQemuOnTheSameOverlayAndTheConsoleGoesOn() throws IOException {
        try (QemuVm vm = boot("banner\npause 0.3\nprint nx: console ready\nanswer\nreboot\n"
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
        try (QemuVm vm = boot("banner\nprint [    1.000000] reboot: Restarting system\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"<text>reboot: Restarting system\"\n"));
            vm.powerCut(); // SIGKILL: the reset never happened
            assertFalse(vm.isRunning());
            assertEquals(0, vm.relaunches());
            assertTrue(vm.exitCode().orElseThrow() != 0);
        }
        try (QemuVm vm = QemuVm.start(FakeQemu.config(dir.resolve("exit"), "banner\nprint bye\nexit 0\n").build())) {
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("QEMU exited with code 0"), e.getMessage());
            assertEquals(0, vm.relaunches());
        }
    }

    @Test
    void typeRejectsControlCharacters() throws IOException {
        try (QemuVm vm = boot("banner\nhang\n")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vm.type("a\u0001x"));
            assertTrue(e.getMessage().startsWith("command holds control character 0x1 at 1"), e.getMessage());
        }
    }

    @Test
    void armedPowerCutKillsRightAfterTheMarkerAndRestartBootsTheSameOverlay() throws IOException {
        // the fake guest waits a second first: the cut is armed after the VM started, and a loaded host may run the script before that
        try (QemuVm vm = boot("banner\npause 1\nprint update: apply ok slot=b kind=full\npause 2\nprint too late\nhang\n")) {
            vm.power().cutAfter(Marker.UPDATE_APPLY_OK, "b", "full");
            vm.await(contract("boot 1\nexpect 10s UPDATE_APPLY_OK b full\n"));
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("(killed by the armed power cut)"), e.getMessage());
            assertTrue(vm.power().cutFired());
            assertFalse(vm.isRunning());
            assertFalse(vm.lines().stream().anyMatch(l -> l.text().equals("too late")), "the guest got further than the cut");

            vm.restart();
            assertFalse(vm.power().cutFired(), "a restart starts a new QEMU");
            vm.await(contract("boot 2\nexpect 10s UPDATE_APPLY_OK b full\n"));
            assertTrue(vm.isRunning());
            assertEquals(2, vm.currentBoot());
        }
    }

    @Test
    void delayedPowerCutLandsAfterTheLinePlusTheDelay() throws IOException {
        try (QemuVm vm = boot("banner\npause 1\nprint update: progress slot=b written=8388608 total=90177536\n"
                + "print early\npause 3\nprint too late\nhang\n")) {
            vm.power().cutWhen(text -> text.startsWith("update: progress "), Duration.ofMillis(800));
            vm.await(contract("boot 1\nexpect 10s \"early\"\n")); // printed after the line: the cut waits
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("(killed by the armed power cut)"), e.getMessage());
            assertFalse(vm.lines().stream().anyMatch(l -> l.text().equals("too late")), "the guest got further than the cut");
            assertTrue(vm.power().cutFired());
            assertFalse(vm.isRunning());
            assertThrows(IllegalArgumentException.class, () -> vm.power().cutWhen(t -> true, Duration.ofMillis(-1)));
        }
    }

    @Test
    void aPowerCutInADelayKillsTheQemuRunningNow() throws IOException {
        try (QemuVm vm = boot("banner\nprint resumed\npause 3\nprint too late\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"resumed\"\n"));
            vm.power().cutIn(Duration.ofMillis(300));
            AssertionError e = assertThrows(AssertionError.class, () -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("(killed by the armed power cut)"), e.getMessage());
            assertFalse(vm.lines().stream().anyMatch(l -> l.text().equals("too late")), "the guest got further than the cut");
            assertTrue(vm.power().cutFired());
            assertThrows(IllegalArgumentException.class, () -> vm.power().cutIn(Duration.ofMillis(-1)));
        }
    }

    @Test
    void powerCutNowAndTypingIntoADeadVmIsConsoleClosed() throws IOException {
        try (QemuVm vm = boot("banner\nhang\n")) {
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
    void runDirHoldsOverlayAndCommandLine() throws IOException {
        try (QemuVm vm = boot("banner\nargs\nhang\n")) {
            assertTrue(Files.exists(vm.overlay()));
            String cmd = Files.readString(vm.runDir().resolve("qemu-cmdline.txt"));
            assertTrue(cmd.contains("-drive file=" + vm.overlay() + ",if=none,id=disk0,format=qcow2"), cmd);
            vm.await(contract("boot 1\nexpect 10s \"arg: -nographic\"\nexpect 10s \"arg: console=ttyS0 no5lvl\"\n"));
        }
    }

    @Test
    void closeKillsAQemuWithoutQmpAndIsIdempotent() throws IOException {
        QemuVm vm = boot("banner\nhang\n");
        vm.close();
        assertFalse(vm.isRunning());
        vm.close();
    }

    @Test
    void missingBinaryIsQemuStartFailed() throws IOException {
        VmConfig c = FakeQemu.config(dir, "hang\n").qemuBinary("no-such-qemu-binary").build();
        HarnessException e = assertThrows(HarnessException.class, () -> QemuVm.start(c));
        assertEquals(HarnessCode.QEMU_START_FAILED, e.code());
        assertEquals("QEMU_START_FAILED: no-such-qemu-binary is not on PATH (scripts/bootstrap installs qemu-system-misc)", e.getMessage());
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
    void plugMediaNeedsTheHotplugPortAndNoBootMedia() throws IOException {
        try (QemuVm vm = boot("banner\nhang\n")) {
            HarnessException e = assertThrows(HarnessException.class, () -> vm.plugMedia(dir.resolve("media.raw")));
            assertEquals(HarnessCode.CONFIG_INVALID, e.code());
            assertTrue(e.getMessage().startsWith("CONFIG_INVALID: plugMedia needs hotplugPort(true) and attachMedia(false)"), e.getMessage());
        }
    }

    @Test
    void diskWriteCutFiresOnceTheGuestHasWrittenEnough() throws Exception {
        try (QemuVm vm = boot("banner\nhang\n")) {
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
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
    void knowsFromTheCommandLineWhetherQemuIsAccelerated() {
        assertFalse(QemuCommand.asksForKvm(List.of("qemu-system-riscv64", "-machine", "virt", "-accel", "tcg")));
        assertTrue(QemuCommand.asksForKvm(List.of("qemu-system-x86_64", "-accel", "kvm")));
        assertTrue(QemuCommand.asksForKvm(List.of("qemu-system-x86_64", "-enable-kvm")));
        assertTrue(QemuCommand.asksForKvm(List.of("qemu-system-x86_64", "-machine", "q35,accel=kvm:tcg")));
        assertFalse(QemuCommand.asksForKvm(List.of("qemu-system-x86_64", "-accel")));
    }
}
