package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QemuVm against the real qemu-system-riscv64 with no guest: the "kernel" is a page of zeros, so
 * OpenSBI prints its banner and hands over to nothing. Enough to prove the command line, the pty,
 * QMP (query-kvm, system_reset as a second boot, quit) and the overlay in a few seconds.
 */
class RealQemuTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsQemu() {
        assumeTrue(ExecTest.onPath("qemu-system-riscv64") && ExecTest.onPath("qemu-img"),
                "qemu-system-riscv64 or qemu-img is not installed (scripts/bootstrap installs them)");
    }

    /** A guest of nothing: a page of zeros as the kernel, a blank initrd and a blank 1 MiB disk, under {@code dir}. */
    private GuestImage zeroGuest(String cmdline) throws IOException {
        return new GuestImage(Files.write(dir.resolve("zero.bin"), new byte[4096]), Files.write(dir.resolve("initrd"),
                new byte[512]), Files.write(dir.resolve("disk.raw"), new byte[1 << 20]), Optional.empty(), cmdline);
    }

    /** A VM of {@link #zeroGuest} with a USB port to hot-plug media into, started. */
    private QemuVm startWithHotplugPort() throws IOException {
        return QemuVm.start(VmConfig.builder(zeroGuest("console=ttyS0"), dir.resolve("run")).memory("256M")
                .hotplugPort(true).build());
    }

    @Test
    void opensbiBootsResetsThroughQmpAndQuits() throws IOException {
        GuestImage image = zeroGuest("console=ttyS0 no5lvl");
        VmConfig config = VmConfig.builder(image, dir.resolve("run")).memory("256M").build();
        Contract banner = Contract.parse("opensbi", """
                boot 1
                expect 20s "OpenSBI v<int>.<int>"
                expect 20s "Platform Name <text>"
                """);
        try (QemuVm vm = QemuVm.start(config)) {
            vm.await(banner);
            assertFalse(vm.qmp().kvmEnabled(), "a riscv64 guest on this host runs under TCG");
            vm.reset();
            vm.await(Contract.parse("opensbi-again", "boot 2\nexpect 20s \"OpenSBI v<int>.<int>\"\n"));
            assertEquals(1, vm.relaunches(), "under -no-reboot a reset is a new QEMU");
            ConsoleLine first = vm.lines().stream().filter(l -> l.text().startsWith("OpenSBI v")).findFirst().orElseThrow();
            System.out.println("real QEMU: OpenSBI banner " + first.shortTime() + " after start");
            vm.close();
            assertEquals(0, vm.exitCode().orElseThrow(), "QMP quit ends QEMU cleanly");
        }
        List<String> info = List.of(Exec.run(List.of("qemu-img", "info", dir.resolve("run/overlay.qcow2").toString()),
                Duration.ofSeconds(10)).split("\n"));
        assertTrue(info.contains("backing file: " + image.disk()), info.toString());
    }

    @Test
    void hotPlugsAndUnplugsUsbMediaAndArmsADiskWriteCut() throws IOException {
        Path media = Files.write(dir.resolve("media.raw"), new byte[1 << 20]);
        try (QemuVm vm = startWithHotplugPort()) {
            vm.await(Contract.parse("opensbi", "boot 1\nexpect 20s \"OpenSBI v<int>.<int>\"\n"));
            vm.plugMedia(media);
            String blocks = String.valueOf(vm.qmp().execute("query-block"));
            assertTrue(blocks.contains("media0-node1"), blocks);
            vm.unplugMedia(); // USB: gone at once, no guest has to acknowledge it
            String after = String.valueOf(vm.qmp().execute("query-block"));
            assertFalse(after.contains("/machine/peripheral/media0"), after);
            vm.power().cutAfterDiskWrites(1); // nothing writes: it must not fire
            vm.await(Contract.parse("platform", "boot 1\nexpect 20s \"Platform Name <text>\"\n"));
            assertTrue(vm.isRunning());
            assertFalse(vm.power().cutFired());
        }
    }

    @Test
    void mediaLeftPluggedInStaysInAcrossAResetAndAPowerCut() throws IOException {
        Path media = Files.write(dir.resolve("media.raw"), new byte[1 << 20]);
        try (QemuVm vm = startWithHotplugPort()) {
            vm.await(Contract.parse("opensbi", "boot 1\nexpect 20s \"OpenSBI v<int>.<int>\"\n"));
            vm.plugMedia(media);
            vm.reset(); // QEMU exits (-no-reboot) and a new one starts on the same overlay
            vm.await(Contract.parse("second", "boot 2\nexpect 30s \"OpenSBI v<int>.<int>\"\n"));
            assertEquals(1, vm.relaunches());
            String afterReset = String.valueOf(vm.qmp().execute("query-block"));
            assertTrue(afterReset.contains(media.toString()), afterReset);

            vm.powerCut();
            vm.restart();
            vm.await(Contract.parse("third", "boot 3\nexpect 30s \"OpenSBI v<int>.<int>\"\n"));
            String afterCut = String.valueOf(vm.qmp().execute("query-block"));
            assertTrue(afterCut.contains(media.toString()), afterCut);

            vm.unplugMedia();
            vm.powerCut();
            vm.restart();
            vm.await(Contract.parse("fourth", "boot 4\nexpect 30s \"OpenSBI v<int>.<int>\"\n"));
            String unplugged = String.valueOf(vm.qmp().execute("query-block"));
            assertFalse(unplugged.contains(media.toString()), unplugged);
        }
    }
}
