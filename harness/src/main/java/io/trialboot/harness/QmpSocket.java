package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The QMP socket of one VM's QEMU and the client connected to it. Unix socket paths are limited to
 * 107 bytes, so a run directory too deep for it gets the socket in a directory of its own in /tmp
 * (deleted at {@link #deleteDir}). Not thread-safe: {@link VmLifecycle} holds its lock around it.
 */
final class QmpSocket {
    private static final int MAX_SOCKET_PATH = 100;
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);

    private final Path path;
    private final Path tempDir;
    private final TimeoutScale scale;
    private QmpClient client;

    QmpSocket(Path runDir, TimeoutScale scale) throws IOException {
        this.scale = scale;
        Path socket = runDir.resolve("qmp.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            tempDir = Files.createTempDirectory("trialboot-qmp");
            socket = tempDir.resolve("qmp.sock");
        } else {
            tempDir = null;
        }
        this.path = socket.toAbsolutePath();
    }

    Path path() {
        return path;
    }

    /** The socket's directory: short enough for more sockets beside it. */
    Path dir() {
        return path.getParent();
    }

    /** The client, connected on first use (QEMU creates the socket while it starts). */
    QmpClient client() {
        if (client == null) client = QmpClient.connect(path, scale.scale(QMP_TIMEOUT));
        return client;
    }

    /** Whether QEMU has (or had) a socket to ask. */
    boolean present() {
        return client != null || Files.exists(path);
    }

    /** QMP {@code quit}, when QEMU has a socket; false when it could not be asked. */
    boolean askToQuit() {
        if (!present()) return false;
        try {
            client().quit();
            return true;
        } catch (HarnessException e) {
            return false; // QMP unusable: the caller kills QEMU
        }
    }

    /** Disconnects from a QEMU that is gone or being replaced. */
    void disconnect() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** Removes the socket of the next launch's predecessor. */
    void clear() throws IOException {
        Files.deleteIfExists(path);
    }

    /** Deletes the /tmp directory, if this socket has one. */
    void deleteDir() {
        if (tempDir == null) return;
        try {
            Files.deleteIfExists(path);
            Files.deleteIfExists(tempDir);
        } catch (IOException e) {
            // a stale empty directory in /tmp is harmless
        }
    }
}
