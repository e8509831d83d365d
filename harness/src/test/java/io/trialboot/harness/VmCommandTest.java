package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCommandTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return VmCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheHarnessCommandLineOneArgumentPerLine() throws IOException {
        assumeTrue(ExecTest.onPath("qemu-img"), "qemu-img is not installed (scripts/bootstrap installs qemu-utils)");
        GuestImage img = FakeQemu.image(dir.resolve("image"), "hang\n");
        Path props = Files.writeString(dir.resolve("image/guest.properties"),
                "kernel=kernel.script\ninitrd=initrd\ndisk=disk.raw\nappend=console=ttyS0 no5lvl\n");
        assertEquals(0, run("--image", props.toString(), "--run-dir", dir.resolve("vm").toString(), "--append", "trialboot.selftest=ota"));
        List<String> argv = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("qemu-system-riscv64", argv.get(0));
        assertEquals("console=ttyS0 no5lvl trialboot.selftest=ota", argv.get(argv.indexOf("-append") + 1));
        assertEquals(img.kernel().toString(), argv.get(argv.indexOf("-kernel") + 1));
        assertTrue(Files.exists(dir.resolve("vm/overlay.qcow2")));
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("--image"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: VmCommand"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("--frobnicate"));
    }

    @Test
    void missingImageExitsOneWithTheCode() {
        assertEquals(1, run("--image", dir.resolve("none.properties").toString(), "--run-dir", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("IMAGE_MISSING: no guest image at"), err.toString(StandardCharsets.UTF_8));
    }
}
