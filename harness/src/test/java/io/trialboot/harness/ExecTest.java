package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecTest {
    @TempDir
    Path dir;

    @Test
    void returnsOutputOfASuccessfulCommand() {
        assertEquals("hello\n", Exec.run(List.of("sh", "-c", "echo hello"), Duration.ofSeconds(10)));
    }

    @Test
    void standardErrorStaysOutOfTheOutputEvenWhenWrittenInsideALine() {
        Exec.Output out = Exec.runForOutput(List.of("sh", "-c", "printf '$'; printf 'warning: no file\\n' >&2; printf '1 = 0x20\\n'"),
                Duration.ofSeconds(10));
        assertEquals("$1 = 0x20\n", out.stdout());
        assertEquals("warning: no file\n", out.stderr());
        assertEquals("$1 = 0x20\n", Exec.run(List.of("sh", "-c", "printf '$'; echo warning >&2; echo '1 = 0x20'"), Duration.ofSeconds(10)));
    }

    @Test
    void nonZeroExitIsExecFailedWithTheOutput() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> Exec.run(List.of("sh", "-c", "echo no space >&2; exit 3"), Duration.ofSeconds(10)));
        assertEquals(HarnessCode.EXEC_FAILED, e.code());
        assertEquals("EXEC_FAILED: sh -c echo no space >&2; exit 3 exited with 3: no space", e.getMessage());
    }

    @Test
    void watchdogKillsAHungCommand() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> Exec.run(List.of("sleep", "30"), Duration.ofMillis(200)));
        assertEquals(HarnessCode.EXEC_TIMEOUT, e.code());
        assertTrue(e.getMessage().startsWith("EXEC_TIMEOUT: sleep 30 did not finish within PT0.2S"), e.getMessage());
    }

    @Test
    void overlayIsQcow2BackedByTheRawBase() throws IOException {
        assumeTrue(onPath("qemu-img"), "qemu-img is not installed (scripts/bootstrap installs qemu-utils)");
        Path base = dir.resolve("base.raw");
        Files.write(base, new byte[1 << 20]);
        Path overlay = Overlay.create("qemu-img", base, dir.resolve("overlay.qcow2"));
        String info = Exec.run(List.of("qemu-img", "info", overlay.toString()), Duration.ofSeconds(10));
        assertTrue(info.contains("file format: qcow2"), info);
        assertTrue(info.contains("backing file: " + base), info);
        assertTrue(info.contains("backing file format: raw"), info);
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
