package io.trialboot.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Copy-on-write qcow2 overlays over the raw base disk (or over a snapshot's qcow2 copy of an
 * overlay), so tests never dirty the base.
 */
final class Overlay {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Overlay() {}

    /**
     * {@code qemu-img create -f qcow2 -F <raw|qcow2> -b <base> <overlay>}: a base named
     * {@code *.qcow2} is read as qcow2, any other as raw.
     */
    static Path create(String qemuImg, Path base, Path overlay) {
        String format = base.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
        Exec.run(List.of(qemuImg, "create", "-q", "-f", "qcow2", "-F", format,
                "-b", base.toAbsolutePath().toString(), overlay.toAbsolutePath().toString()), TIMEOUT);
        return overlay;
    }
}
