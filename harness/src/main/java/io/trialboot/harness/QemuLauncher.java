package io.trialboot.harness;

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

    /** The command to start under the pty so that QEMU runs {@code qemuArgv}. */
    List<String> command(List<String> qemuArgv);

    /** SIGKILL to the QEMU that {@code qemuArgv} started, whose console process is {@code console}. */
    void kill(Process console, List<String> qemuArgv);

    /** Releases what the launcher started (QEMU has exited by then). */
    @Override
    void close();
}
