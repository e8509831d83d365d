package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    private static final GuestImage IMAGE = new GuestImage(Path.of("/img/vmlinuz"), Path.of("/img/initrd.img"),
            Path.of("/img/disk.raw"), Optional.of(Path.of("/img/media.raw")), "console=ttyS0 no5lvl");

    @Test
    void buildsTheSpecifiedCommandLineWithMedia() {
        VmConfig c = VmConfig.builder(IMAGE, Path.of("/runs/t")).smp(2).tcgThreads(TcgThreads.SINGLE).build();
        assertEquals(List.of("qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-m", "1G", "-smp", "2",
                "-accel", "tcg,thread=single", "-nographic", "-no-reboot", "-kernel", "/img/vmlinuz", "-initrd", "/img/initrd.img", "-append", "console=ttyS0 no5lvl",
                "-drive", "file=/runs/t/overlay.qcow2,if=none,id=disk0,format=qcow2",
                "-device", "virtio-blk-device,drive=disk0",
                "-drive", "file=/img/media.raw,if=none,id=media0,format=raw,readonly=on",
                "-device", "virtio-blk-device,drive=media0,id=media0",
                "-object", "rng-random,filename=/dev/urandom,id=rng0",
                "-device", "virtio-rng-device,rng=rng0",
                "-qmp", "unix:/runs/t/qmp.sock,server=on,wait=off"),
                QemuCommand.argv(c, Path.of("/runs/t/overlay.qcow2"), Path.of("/runs/t/qmp.sock")));
    }

    @Test
    void honoursMemorySmpHotplugAndExtraArgsWithoutMedia() {
        VmConfig c = VmConfig.builder(IMAGE, Path.of("/r")).memory("512M").smp(1).attachMedia(false)
                .hotplugPort(true).extraArgs(List.of("-d", "guest_errors")).build();
        List<String> argv = QemuCommand.argv(c, Path.of("/r/o.qcow2"), Path.of("/r/q.sock"));
        assertEquals(List.of("-m", "512M", "-smp", "1"), argv.subList(5, 9));
        assertEquals(-1, argv.indexOf("file=/img/media.raw,if=none,id=media0,format=raw,readonly=on"));
        assertEquals("qemu-xhci,id=usbhp", argv.get(argv.indexOf("-object") - 1));
        assertEquals(List.of("-d", "guest_errors"), argv.subList(argv.size() - 2, argv.size()));
    }

    @Test
    void theTcgThreadModeIsOnTheCommandLineUnlessTheTestChoosesTheAccelerator() {
        Path o = Path.of("/r/o.qcow2");
        Path q = Path.of("/r/q.sock");
        List<String> single = QemuCommand.argv(VmConfig.builder(IMAGE, Path.of("/r")).smp(2).tcgThreads(TcgThreads.SINGLE).build(), o, q);
        assertEquals(List.of("-smp", "2", "-accel", "tcg,thread=single"), single.subList(7, 11));
        List<String> multi = QemuCommand.argv(VmConfig.builder(IMAGE, Path.of("/r")).smp(2).tcgThreads(TcgThreads.MULTI).build(), o, q);
        assertEquals(List.of("-smp", "2", "-accel", "tcg,thread=multi"), multi.subList(7, 11));
        for (List<String> own : List.of(List.of("-accel", "tcg,thread=multi"), List.of("-enable-kvm"), List.of("-machine", "accel=kvm"))) {
            List<String> argv = QemuCommand.argv(VmConfig.builder(IMAGE, Path.of("/r")).extraArgs(own).build(), o, q);
            assertEquals(own.contains("-accel") ? 1 : 0, argv.stream().filter("-accel"::equals).count(), argv.toString());
            assertEquals(own, argv.subList(argv.size() - own.size(), argv.size()));
        }
    }

    @Test
    void theThreadModeIsMultiUnlessSetAndAnythingElseIsRefused() {
        assertEquals(TcgThreads.MULTI, TcgThreads.parse(null, "TRIALBOOT_TCG_THREADS"));
        assertEquals(TcgThreads.MULTI, TcgThreads.parse(" ", "TRIALBOOT_TCG_THREADS"));
        assertEquals(TcgThreads.SINGLE, TcgThreads.parse("Single", "-Dtrialboot.tcgThreads"));
        HarnessException e = assertThrows(HarnessException.class, () -> TcgThreads.parse("mttcg", "-Dtrialboot.tcgThreads"));
        assertEquals("CONFIG_INVALID: -Dtrialboot.tcgThreads must be single or multi, got 'mttcg'", e.getMessage());
    }

    @Test
    void theHartIsOneUnlessThePropertyOrTheEnvironmentSaysOtherwise() {
        assertEquals(VmConfig.DEFAULT_HARTS, VmConfig.Builder.harts(null, null));
        assertEquals(1, VmConfig.DEFAULT_HARTS, "the second-hart stall: docs/reliability.md");
        assertEquals(2, VmConfig.Builder.harts(null, "2"));
        assertEquals(2, VmConfig.Builder.harts(" 2 ", "4"), "the property first");
        assertEquals(4, VmConfig.Builder.harts("", "4"));
        HarnessException e = assertThrows(HarnessException.class, () -> VmConfig.Builder.harts("two", null));
        assertEquals("CONFIG_INVALID: -Dtrialboot.smp (or TRIALBOOT_SMP) must be a number of harts, got 'two'", e.getMessage());
        assertEquals(HarnessCode.CONFIG_INVALID, assertThrows(HarnessException.class,
                () -> VmConfig.builder(IMAGE, Path.of("/r")).smp(VmConfig.Builder.harts("0", null)).build()).code());
    }

    @Test
    void mediaLeftPluggedInIsInTheHotplugPortFromPowerOn() {
        VmConfig c = VmConfig.builder(IMAGE, Path.of("/r")).attachMedia(false).hotplugPort(true).build();
        List<String> argv = QemuCommand.argv(c, Path.of("/r/o.qcow2"), Path.of("/r/q.sock"), Optional.of(Path.of("/m,1/stick.raw")));
        int xhci = argv.indexOf("qemu-xhci,id=usbhp");
        assertEquals(List.of("qemu-xhci,id=usbhp",
                "-drive", "file=/m,,1/stick.raw,if=none,id=media0-node0,format=raw,readonly=on",
                "-device", "usb-storage,drive=media0-node0,bus=usbhp.0,id=media0"), argv.subList(xhci, xhci + 5));
    }

    @Test
    void aSecondVmLikeTheFirstDiffersOnlyInItsRunDirectory() {
        VmConfig c = VmConfig.builder(IMAGE, Path.of("/runs/t")).memory("512M").extraArgs(List.of("-d", "x")).build();
        VmConfig w = c.withRunDir(Path.of("/runs/t-worker2"));
        assertEquals(Path.of("/runs/t-worker2"), w.runDir());
        assertEquals(c, w.withRunDir(Path.of("/runs/t")));
    }

    @Test
    void doublesCommasInPaths() {
        VmConfig c = VmConfig.builder(IMAGE, Path.of("/r")).build();
        List<String> argv = QemuCommand.argv(c, Path.of("/r,x/o.qcow2"), Path.of("/r/q.sock"));
        assertEquals("file=/r,,x/o.qcow2,if=none,id=disk0,format=qcow2", argv.get(argv.indexOf("-drive") + 1));
    }

    @Test
    void rejectsBadMemorySmpAndMediaThatIsNotThere() {
        VmConfig.Builder b = VmConfig.builder(IMAGE, Path.of("/r"));
        assertEquals(HarnessCode.CONFIG_INVALID, assertThrows(HarnessException.class, () -> b.memory("1T").build()).code());
        VmConfig.Builder b2 = VmConfig.builder(IMAGE, Path.of("/r"));
        assertEquals(HarnessCode.CONFIG_INVALID, assertThrows(HarnessException.class, () -> b2.smp(0).build()).code());
        GuestImage noMedia = new GuestImage(IMAGE.kernel(), IMAGE.initrd(), IMAGE.disk(), Optional.empty(), "x");
        HarnessException e = assertThrows(HarnessException.class,
                () -> VmConfig.builder(noMedia, Path.of("/r")).attachMedia(true).build());
        assertEquals("CONFIG_INVALID: attachMedia is set but the image has no media disk", e.getMessage());
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
