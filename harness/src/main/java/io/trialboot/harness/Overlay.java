package io.trialboot.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Copy-on-write qcow2 overlays over the raw base disk, so tests never dirty the base. */
final class Overlay {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Overlay() {}

    /** {@code qemu-img create -f qcow2 -F raw -b <base> <overlay>}; the base must be absolute. */
    static Path create(String qemuImg, Path base, Path overlay) {
        Exec.run(List.of(qemuImg, "create", "-q", "-f", "qcow2", "-F", "raw",
                "-b", base.toAbsolutePath().toString(), overlay.toAbsolutePath().toString()), TIMEOUT);
        return overlay;
    }
}
