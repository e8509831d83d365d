package io.trialboot.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where QEMU runs: on this host ({@link #LOCAL}), or inside a container of the second QEMU's image
 * ({@link ContainerLauncher}). Wherever it runs, the console is the pty the harness reads, QMP a
 * Unix socket at the same path and a power cut a SIGKILL of the QEMU process itself.
 */
interface QemuLauncher extends AutoCloseable {
    /** QEMU as a child of this JVM. */
    QemuLauncher LOCAL = new QemuLauncher() {
        @Override
        public List<String> command(List<String> qemuArgv) {
            return qemuArgv;
        }

        @Override
        public void kill(Process console, List<String> qemuArgv) {
            console.destroyForcibly();
        }

        @Override
        public void close() {
            // nothing was started beside QEMU
        }
    };

    /**
     * Where {@code config}'s QEMU runs: here, or in a container of its image with the guest image's
     * directories mounted read-only and {@code writable} (the run and socket directories) read-write.
     */
    static QemuLauncher of(VmConfig config, List<Path> writable) {
        if (config.containerImage().isEmpty()) return LOCAL;
        GuestImage img = config.image();
        List<Path> readOnly = new ArrayList<>(List.of(img.kernel().getParent(), img.initrd().getParent(), img.disk().getParent()));
        img.media().ifPresent(m -> readOnly.add(m.getParent()));
        return ContainerLauncher.start(config.containerImage().get(), readOnly, writable, writable.get(0));
    }

    /** The command to start under the pty so that QEMU runs {@code qemuArgv}. */
    List<String> command(List<String> qemuArgv);

    /** SIGKILL to the QEMU that {@code qemuArgv} started, whose console process is {@code console}. */
    void kill(Process console, List<String> qemuArgv);

    /** Releases what the launcher started (QEMU has exited by then). */
    @Override
    void close();
}
