package io.trialboot.harness;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fake QEMU of src/test/resources/fake: its "kernel" is a script of console actions (see the
 * script's header). Builds a guest image whose kernel is that script.
 */
final class FakeQemu {
    private FakeQemu() {}

    static Path binary(String name) {
        try {
            Path p = Path.of(FakeQemu.class.getResource("/fake/" + name).toURI());
            // resources are copied without their mode bits
            if (!Files.isExecutable(p) && !p.toFile().setExecutable(true)) throw new IllegalStateException("cannot chmod " + p);
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static GuestImage image(Path dir, String script) throws IOException {
        Files.createDirectories(dir);
        Path kernel = Files.writeString(dir.resolve("kernel.script"), script);
        Path initrd = Files.writeString(dir.resolve("initrd"), "");
        Path disk = Files.write(dir.resolve("disk.raw"), new byte[4096]);
        return new GuestImage(kernel, initrd, disk, Optional.empty(), "console=ttyS0 no5lvl");
    }

    static VmConfig.Builder config(Path dir, String script) throws IOException {
        return VmConfig.builder(image(dir.resolve("image"), script), dir.resolve("run"))
                .qemuBinary(binary("qemu-system-riscv64").toString())
                .qemuImgBinary(binary("qemu-img").toString())
                .quietPeriod(java.time.Duration.ofMillis(100))
                .shutdownWait(java.time.Duration.ofSeconds(2));
    }

    /** A {@link QemuVm} started on the fake QEMU playing {@code script}, its image and run directory under {@code dir}. */
    static QemuVm start(Path dir, String script) throws IOException {
        return QemuVm.start(config(dir, script).build());
    }
}
