package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HartTimersTest {
    @Test
    void gdbSetsTheTimerInterruptOnEveryHartWithoutWritingTheExternalOneAndReadsItBack() {
        List<String> argv = HartTimers.gdbArgv(Path.of("/tmp/x/gdb.sock"), 2);
        assertEquals(List.of("gdb-multiarch", "-batch", "-nx", "-ex", "set architecture riscv:rv64",
                "-ex", "target remote /tmp/x/gdb.sock",
                "-ex", "thread 1", "-ex", "set $mip = ($mip & ~0x200) | 0x20", "-ex", "p/x $mip",
                "-ex", "thread 2", "-ex", "set $mip = ($mip & ~0x200) | 0x20", "-ex", "p/x $mip",
                "-ex", "detach"), argv);
    }

    @Test
    void everyHartsTimerInterruptReadBackSetIsSuccess() {
        HartTimers.requireSet(new Exec.Output("[Switching to thread 1 (Thread 1.1)]\n$1 = 0x20\n[Switching to thread 2 (Thread 1.2)]\n$2 = 0x222\n", ""), 2);
    }

    @Test
    void aHartWhoseTimerInterruptDidNotStickOrAMissingHartFailsTheRestoreNamingTheValues() {
        HarnessException notSet = assertThrows(HarnessException.class, () -> HartTimers.requireSet(new Exec.Output("$1 = 0x20\n$2 = 0x0\n", ""), 2));
        assertEquals(HarnessCode.SNAPSHOT_FAILED, notSet.code());
        assertTrue(notSet.getMessage().contains("[0x20, 0x0] for 2 harts"), notSet.getMessage());
        HarnessException missing = assertThrows(HarnessException.class,
                () -> HartTimers.requireSet(new Exec.Output("$1 = 0x20\n", "Invalid thread ID: 2\n"), 2));
        assertTrue(missing.getMessage().contains("[0x20] for 2 harts") && missing.getMessage().contains("Invalid thread ID: 2"),
                missing.getMessage());
    }

    @Test
    void gdbsWarningOnStandardErrorDoesNotHideAValue() {
        // What a restore under load once got as one stream: the warning inside "$1 = 0x20".
        HartTimers.requireSet(new Exec.Output("[Switching to thread 1 (Thread 1.1)]\n#0  0xffffffff80a73f30 in ?? ()\n$1 = 0x20\n",
                "warning: No executable has been specified and target does not support\ndetermining executable automatically.  "
                        + "Try using the \"file\" command.\n"), 1);
    }
}
