package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.VmConfig;
import io.trialboot.harness.VmTerminal;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario that ends with a reset hands the console over while the new QEMU is still silent: the
 * person's boot lines count from the boot that reset started (scripts/vm --scenario rollback: boot 3
 * handed over, the rollback's reset is boot 4), on the harness's fake QEMU (src/test/resources/fake).
 */
class ScenarioHandoverTest {
    /** Two resets typed at a prompt, then a third QEMU silent for 2 s whose guest resets once more. */
    private static final String SCRIPT = """
            banner
            prompt trialboot#\s
            answer
            reboot
            banner
            prompt trialboot#\s
            answer
            reboot
            pause 2
            banner
            print stage0: boot slot=a mode=trial tries_left=2 boot=3
            reboot
            banner
            print stage0: boot slot=b mode=normal tries_left=0 boot=4
            hang
            """;

    @TempDir
    Path dir;

    /** The terminal's bytes so far, thread-safe. */
    private static final class Screen extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void theBootLinesAfterAHandoverAtAResetCountFromTheNewBoot() throws Exception {
        Scenario twoResets = new Scenario("resets", "two resets", "", List.of(
                new Scenario.Step("rebooting once", "nx reboot", null),
                new Scenario.Step("rebooting again", "nx reboot", null)), "the console is yours");
        try (QemuVm vm = QemuVm.start(fakeConfig())) {
            ScenarioRun.Handover handover = new ScenarioRun(twoResets, vm, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8)).walk();
            assertEquals(new ScenarioRun.Handover(3, "vm: boot 3 (guest reset)"), handover);
            assertEquals(2, vm.currentBoot(), "the third QEMU is still silent at the hand-over");

            PipedOutputStream keys = new PipedOutputStream();
            PipedInputStream keyboard = new PipedInputStream(keys);
            Screen screen = new Screen();
            CompletableFuture<OptionalInt> session = CompletableFuture.supplyAsync(
                    () -> VmTerminal.run(vm, keyboard, screen, handover.banner(), handover.boot()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!screen.text().contains("boot=4") && System.nanoTime() < deadline) Thread.sleep(20);
            keys.close();
            session.get(30, TimeUnit.SECONDS);

            String text = screen.text();
            assertEquals(text.indexOf("vm: boot 3 "), text.lastIndexOf("vm: boot 3 "), "boot 3 is announced once: " + text);
            int four = text.indexOf("vm: boot 4 (guest reset)\r\n");
            assertTrue(four > text.indexOf("boot=3") && four < text.indexOf("boot=4"), text);
        }
    }

    /** A VM on the fake QEMU playing {@link #SCRIPT}. */
    private VmConfig fakeConfig() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        GuestImage guest = new GuestImage(Files.writeString(image.resolve("kernel.script"), SCRIPT),
                Files.writeString(image.resolve("initrd"), ""), Files.write(image.resolve("disk.raw"), new byte[4096]),
                Optional.empty(), "console=ttyS0");
        return VmConfig.builder(guest, dir.resolve("run")).qemuBinary(fake("qemu-system-riscv64")).qemuImgBinary(fake("qemu-img"))
                .quietPeriod(Duration.ofMillis(100)).shutdownWait(Duration.ofSeconds(2)).build();
    }

    private static String fake(String name) throws Exception {
        Path p = Path.of(ScenarioHandoverTest.class.getResource("/fake/" + name).toURI());
        assertTrue(Files.isExecutable(p) || p.toFile().setExecutable(true), "cannot chmod " + p);
        return p.toString();
    }
}
