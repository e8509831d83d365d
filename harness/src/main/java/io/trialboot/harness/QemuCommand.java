package io.trialboot.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The QEMU command line for one VM. */
final class QemuCommand {
    /** The id of the update-media drive and device; the guest sees it as the second virtio disk. */
    static final String MEDIA_ID = "media0";
    /**
     * The xHCI USB controller hot-plugged media goes on, as USB mass storage: USB hot-plug needs
     * nothing from the guest kernel beyond the usb-storage modules, while the Debian riscv64
     * kernel has no PCI hot-plug ({@code CONFIG_HOTPLUG_PCI} unset) and virtio-mmio has none at all.
     */
    static final String HOTPLUG_PORT = "usbhp";

    private QemuCommand() {}

    static List<String> argv(VmConfig c, Path overlay, Path qmpSocket) {
        return argv(c, overlay, qmpSocket, Optional.empty());
    }

    /**
     * The command line, with {@code pluggedMedia} in the hot-plug port from power-on: the stick a
     * test plugged stays in when the guest resets or the power goes, as a real one would.
     */
    static List<String> argv(VmConfig c, Path overlay, Path qmpSocket, Optional<Path> pluggedMedia) {
        GuestImage img = c.image();
        List<String> a = new ArrayList<>(List.of(c.qemuBinary(), "-machine", "virt", "-bios", "default",
                "-m", c.memory(), "-smp", Integer.toString(c.smp())));
        // the harts' host threads (docs/reliability.md, "The second-hart stall"), unless the test chose an accelerator
        if (!choosesAccelerator(c.extraArgs())) a.addAll(List.of("-accel", c.tcgThreads().accel()));
        a.addAll(List.of("-nographic",
                // a guest reset exits QEMU; QemuVm starts a new one (a cold reset: see QemuVm)
                "-no-reboot",
                "-kernel", img.kernel().toString(),
                "-initrd", img.initrd().toString(),
                "-append", img.append(),
                "-drive", "file=" + opt(overlay.toAbsolutePath()) + ",if=none,id=disk0,format=qcow2",
                "-device", "virtio-blk-device,drive=disk0"));
        if (c.attachMedia()) {
            a.addAll(List.of(
                    "-drive", "file=" + opt(img.media().orElseThrow()) + ",if=none,id=" + MEDIA_ID + ",format=raw,readonly=on",
                    "-device", "virtio-blk-device,drive=" + MEDIA_ID + ",id=" + MEDIA_ID));
        }
        if (c.hotplugPort()) {
            a.addAll(List.of("-device", "qemu-xhci,id=" + HOTPLUG_PORT));
            pluggedMedia.ifPresent(m -> a.addAll(List.of(
                    "-drive", "file=" + opt(m.toAbsolutePath()) + ",if=none,id=" + MEDIA_ID + "-node0,format=raw,readonly=on",
                    "-device", "usb-storage,drive=" + MEDIA_ID + "-node0,bus=" + HOTPLUG_PORT + ".0,id=" + MEDIA_ID)));
        }
        a.addAll(List.of(
                "-object", "rng-random,filename=/dev/urandom,id=rng0",
                "-device", "virtio-rng-device,rng=rng0",
                "-qmp", "unix:" + opt(qmpSocket.toAbsolutePath()) + ",server=on,wait=off"));
        a.addAll(c.extraArgs());
        return a;
    }

    /** QEMU option values separate keys with commas; a comma inside a path is written twice. */
    static String opt(Path p) {
        return p.toString().replace(",", ",,");
    }

    /**
     * Whether {@code args} choose QEMU's accelerator themselves ({@code -accel}, {@code -enable-kvm},
     * {@code accel=}): then the command line has no {@code -accel} of its own, whose first choice
     * QEMU would take.
     */
    static boolean choosesAccelerator(List<String> args) {
        return args.stream().anyMatch(a -> a.equals("-accel") || a.equals("-enable-kvm") || a.contains("accel="));
    }

    /** Whether {@code argv} asks QEMU for KVM ({@code -enable-kvm}, {@code -accel kvm}, {@code accel=kvm}). */
    static boolean asksForKvm(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-enable-kvm") || a.contains("accel=kvm")
                    || (a.equals("-accel") && i + 1 < argv.size() && argv.get(i + 1).startsWith("kvm"))) {
                return true;
            }
        }
        return false;
    }
}
