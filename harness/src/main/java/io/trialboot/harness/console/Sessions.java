package io.trialboot.harness.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code scripts/vm}'s sessions under one directory ({@code target/vm}): a run directory per
 * session, named by its start time ({@code 20261206-124501}, with {@code -rollback} for a
 * scenario), so every session keeps its serial.log and timeline. A session's device is its
 * {@code overlay.qcow2}; {@code --resume} moves the newest one into the new session. Only the
 * newest {@value #KEEP_OVERLAYS} sessions keep their overlays (each can be hundreds of MB).
 */
final class Sessions {
    static final String OVERLAY = "overlay.qcow2";
    static final int KEEP_OVERLAYS = 5;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;

    Sessions(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** A new, empty run directory for a session started {@code at}, of {@code kind} (empty for the plain console). */
    Path create(LocalDateTime at, String kind) {
        String base = NAME.format(at) + (kind.isEmpty() ? "" : "-" + kind);
        try {
            Files.createDirectories(root);
            Path dir = root.resolve(base);
            for (int n = 2; Files.exists(dir); n++) dir = root.resolve(base + "." + n);
            return Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a session directory under " + root, e);
        }
    }

    /** The newest session whose device (overlay) is still there. */
    Optional<Path> lastDevice() {
        return sessions().stream().filter(d -> Files.isRegularFile(d.resolve(OVERLAY))).findFirst();
    }

    /** Deletes the overlays of all but the newest {@value #KEEP_OVERLAYS} sessions. */
    void prune() {
        List<Path> all = sessions();
        for (Path d : all.subList(Math.min(KEEP_OVERLAYS, all.size()), all.size())) {
            try {
                Files.deleteIfExists(d.resolve(OVERLAY));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete an old session's overlay in " + d, e);
            }
        }
    }

    /** Session directories, newest first (their names sort by start time). */
    private List<Path> sessions() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }
}
