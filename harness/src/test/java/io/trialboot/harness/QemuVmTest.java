package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QemuVm against the fake QEMU (real pty, real process, no guest): the console lines it stamps and logs,
 * contracts awaited and how they fail, typing, the run directory. Resets, power cuts and media:
 * {@link QemuVmPowerTest}.
 */
class QemuVmTest {
    @TempDir
    Path dir;

    private static Contract contract(String text) {
        return Contract.parse("test", text);
    }

    @Test
    void stampsLinesWithBootIndexesAndWritesSerialLog() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "print before firmware\nbanner\nprint bootctld: ready\nbanner\nprint updated: ready\nhang\n")) {
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
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint stage0: boot slot=a mode=normal tries_left=0 boot=7\n"
                + "print bootctld: ready\nprint bootctld: ready\nhang\n")) {
            Map<String, String> captures = vm.await(contract("boot 1\nexpect 10s STAGE0_BOOT a normal * :boots\nexpect 10s BOOTCTLD_READY\n"));
            assertEquals(Map.of("boots", "7"), captures);
            // the second 'bootctld: ready' is still unconsumed
            vm.await(Marker.BOOTCTLD_READY, Duration.ofSeconds(10));
        }
    }

    @Test
    void failsFastWithTheExitCodeWhenQemuDies() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint bootctld: ready\nprint last words\nexit 3\n")) {
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
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint Kernel panic - not syncing: VFS\nhang\n")) {
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
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprint bootctld: ready\nprint bundle hello: starting\nhang\n")) {
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
        try (QemuVm vm = FakeQemu.start(dir, "banner\nprompt ~ # \nanswer\nhang\n")) {
            vm.await(contract("boot 1\nexpect 10s \"~ #\"\n")); // the matcher ignores trailing blanks
            vm.type("nx status");
            vm.await(contract("boot 1\nexpect 10s \"got: nx status\"\n"));
            assertTrue(vm.lines().stream().anyMatch(l -> l.text().equals("nx status")), "the pty echo is a line of its own");
        }
    }

    @Test
    void typeAfterTypesFromTheConsoleThreadSoOneContractSpansTheReboot() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\npause 0.3\nprint nx: console ready\nanswer\nbanner\nprint bootctld: ready\nhang\n")) {
            vm.typeAfter(Marker.GUEST_SHELL_READY, "nx reboot");
            vm.await(contract("boot 1\nexpect 10s GUEST_SHELL_READY\nexpect 10s \"got: nx reboot\"\nboot 2\nexpect 10s BOOTCTLD_READY\n"));
        }
    }

    @Test
    void typeRejectsControlCharacters() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nhang\n")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vm.type("a\u0001x"));
            assertTrue(e.getMessage().startsWith("command holds control character 0x1 at 1"), e.getMessage());
        }
    }

    @Test
    void runDirHoldsOverlayAndCommandLine() throws IOException {
        try (QemuVm vm = FakeQemu.start(dir, "banner\nargs\nhang\n")) {
            assertTrue(Files.exists(vm.overlay()));
            String cmd = Files.readString(vm.runDir().resolve("qemu-cmdline.txt"));
            assertTrue(cmd.contains("-drive file=" + vm.overlay() + ",if=none,id=disk0,format=qcow2"), cmd);
            vm.await(contract("boot 1\nexpect 10s \"arg: -nographic\"\nexpect 10s \"arg: console=ttyS0 no5lvl\"\n"));
        }
    }

    @Test
    void closeKillsAQemuWithoutQmpAndIsIdempotent() throws IOException {
        QemuVm vm = FakeQemu.start(dir, "banner\nhang\n");
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
}
