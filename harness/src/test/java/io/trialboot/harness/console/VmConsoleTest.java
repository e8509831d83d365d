package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.harness.VmTerminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/vm's console end to end on the harness's fake QEMU (src/test/resources/fake): piped keys
 * typed at the prompt, the last line after a guest that powered itself off, and --resume on the image
 * the device was made on.
 */
class VmConsoleTest {
    private static final String PROMPT = "prompt trialboot#\s\n";

    @TempDir
    Path dir;

    private record Session(int code, String out, String err) {}

    @Test
    void pipedLinesAreTypedAtThePromptAndTheSessionEndsWhenItIsBack() throws Exception {
        Path image = image("piped", "banner\n" + PROMPT + "answer\npause 0.5\n" + PROMPT + "answer\npause 0.5\n" + PROMPT + "hang\n");
        Session s = run(new ByteArrayInputStream("nx status\nnx history\n".getBytes(StandardCharsets.UTF_8)), Tty.Raw.NOT_A_TERMINAL,
                "--built-image", image.toString());
        assertEquals(0, s.code, s.toString());
        String out = s.out;
        assertTrue(out.contains("vm: keys from a pipe: each line is typed at the guest's prompt"), out);
        int first = out.indexOf("got: nx status");
        assertTrue(first > 0 && out.indexOf("nx history") > first, "the second line waits for the prompt after the first's output: " + out);
        int last = out.indexOf("got: nx history");
        int end = out.indexOf("vm: the piped input is done (the guest's prompt came back after its last line); QEMU quit; the device stays in ");
        assertTrue(last > first && end > last, out);
        assertTrue(out.contains("(scripts/vm --resume boots it again; the newest 5 sessions' devices are kept)"), out);
    }

    @Test
    void pipedKeysHandedOverAtAPromptStartFromAFreshOne() throws Exception {
        Path image = image("at-prompt", "banner\n" + PROMPT + "answer\n" + PROMPT + "answer\n" + PROMPT + "hang\n");
        VmConfig config = fakeQemu().apply(VmConfig.builder(io.trialboot.harness.GuestImage.load(image), dir.resolve("run"))).build();
        try (QemuVm vm = QemuVm.start(config)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (vm.lines().stream().noneMatch(l -> l.text().startsWith("trialboot#")) && System.nanoTime() < deadline) Thread.sleep(20);
            PipedKeys keys = new PipedKeys(new ByteArrayInputStream("nx status\n".getBytes(StandardCharsets.UTF_8)), vm, false,
                    Duration.ofSeconds(5));
            ByteArrayOutputStream screen = new ByteArrayOutputStream();
            VmTerminal.run(vm, keys, screen, "handed over");
            String text = screen.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("got: \r\n") && text.indexOf("got: nx status") > text.indexOf("got: \r\n"),
                    "an Enter for a fresh prompt, then the line: " + text);
            assertEquals("the piped input is done (the guest's prompt came back after its last line)", keys.why());
        }
    }

    @Test
    void pipedLinesStopWhenNoPromptComesAndTheLastLineSaysSo() throws Exception {
        Path image = image("silent", "banner\nprint stage0: boot slot=a mode=normal tries_left=0 boot=1\nhang\n");
        Session s = run(new ByteArrayInputStream("nx status\n".getBytes(StandardCharsets.UTF_8)), Tty.Raw.NOT_A_TERMINAL,
                "--built-image", image.toString());
        assertTrue(s.out.contains("vm: no 'trialboot#' prompt came within 3 s, so the rest of the piped input was not typed; QEMU quit;"),
                s.out);
        assertFalse(s.out.contains("nx status"), s.out);
    }

    @Test
    void aGuestPoweredOffByStageZeroIsSaidSoAndNotOfferedAResume() throws Exception {
        Path image = image("unbootable", """
                banner
                print stage0: slot a: the slot's top hash block does not hash to the signed root hash
                print stage0: slot a refused code=VERITY_ROOT_MISMATCH
                print stage0: FATAL no other verified slot to boot
                print [    2.742670] reboot: Power down
                exit 0
                """);
        Session s = run(silent(), Tty.Raw.DONE, "--built-image", image.toString());
        assertEquals(0, s.code, s.toString());
        assertTrue(s.out.contains("vm: the guest powered itself off in stage 0 (stage0: FATAL no other verified slot to boot): no slot of"
                + " this device verifies, so it cannot boot again; its disk stays in "), s.out);
        assertFalse(s.out.contains("--resume boots"), s.out);
        assertFalse(s.out.contains("QEMU exited with code"), s.out);
    }

    @Test
    void resumeBootsTheDeviceOnTheImageItWasMadeOn() throws Exception {
        Path built = image("built", "banner\nprint image built\nexit 0\n");
        Path other = image("other", "banner\nprint image other\nexit 0\n");
        Session first = run(silent(), Tty.Raw.DONE, "--built-image", built.toString(), "--image", other.toString());
        assertTrue(first.out.contains("vm: image         " + other), first.out);
        assertTrue(first.out.contains("vm: QEMU exited with code 0; the device stays in ")
                && first.out.contains("(scripts/vm --resume boots it again, on the image " + other + ";"), first.out);
        // Which image a session booted is its "vm: image" line (the guest's own last line can race
        // QEMU's exit on the terminal; the closing note of 2026-12-08 names that race).
        Session again = run(silent(), Tty.Raw.DONE, "--built-image", built.toString(), "--resume");
        assertTrue(again.out.contains("vm: image         " + other) && !again.out.contains("vm: image         " + built), again.out);
        Session named = run(silent(), Tty.Raw.DONE, "--built-image", built.toString(), "--resume", "--image",
                built.toString());
        assertTrue(named.out.contains("vm: image         " + built), "--image names the image a resume boots on: " + named.out);
    }

    @Test
    void aResumeWhoseImageIsGoneIsAUsageError() throws Exception {
        Path built = image("built", "banner\nexit 0\n");
        Path other = image("other", "banner\nexit 0\n");
        run(silent(), Tty.Raw.DONE, "--built-image", built.toString(), "--image", other.toString());
        Files.delete(other);
        Session s = run(silent(), Tty.Raw.DONE, "--built-image", built.toString(), "--resume");
        assertEquals(2, s.code, s.toString());
        assertTrue(s.err.startsWith("vm: the device of ") && s.err.contains(" was made on the image " + other + ", which is gone;"), s.err);
    }

    /** A keyboard nobody types on. */
    private static InputStream silent() throws java.io.IOException {
        return new java.io.PipedInputStream(new java.io.PipedOutputStream());
    }

    /** A guest.properties whose kernel is the fake QEMU's script. */
    private Path image(String name, String script) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("kernel.script"), script);
        Files.writeString(d.resolve("initrd"), "");
        Files.write(d.resolve("disk.raw"), new byte[4096]);
        return Files.writeString(d.resolve("guest.properties"), "kernel=kernel.script\ninitrd=initrd\ndisk=disk.raw\nappend=console=ttyS0 no5lvl\n");
    }

    private Session run(InputStream keys, Tty.Raw tty, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--runs", dir.resolve("runs").toString()));
        int code = VmConsole.run(all.toArray(String[]::new), keys, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> tty, fakeQemu());
        return new Session(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The fake QEMU, quick timings, and timeouts a hundredth of the real ones (a piped line's prompt wait: 3 s). */
    private static UnaryOperator<VmConfig.Builder> fakeQemu() {
        return b -> b.qemuBinary(fake("qemu-system-riscv64")).qemuImgBinary(fake("qemu-img"))
                .quietPeriod(Duration.ofMillis(100)).shutdownWait(Duration.ofSeconds(2)).scale(new TimeoutScale(0.01, "test"));
    }

    private static String fake(String name) {
        try {
            Path p = Path.of(VmConsoleTest.class.getResource("/fake/" + name).toURI());
            assertTrue(Files.isExecutable(p) || p.toFile().setExecutable(true), "cannot chmod " + p);
            return p.toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
