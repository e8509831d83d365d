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
 * newest {@value #KEEP_OVERLAYS} devices are kept (each can be hundreds of MB); a session whose VM
 * never started holds none and does not count.
 */
final class Sessions {
    static final String OVERLAY = "overlay.qcow2";
    /** The guest.properties a session's device was made on (one absolute path), so --resume boots it on the same image. */
    static final String IMAGE = "guest-image.txt";
    static final int KEEP_OVERLAYS = 5;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;

    Sessions(Path root) {
        this.root = root.toAbsolutePath();
    }

    /**
     * The run directory for a session started {@code at}, of {@code kind} (empty for the plain console):
     * a name no session has taken, not created, so a VM that does not start leaves none (QemuVm creates it).
     */
    Path next(LocalDateTime at, String kind) {
        String base = NAME.format(at) + (kind.isEmpty() ? "" : "-" + kind);
        Path dir = root.resolve(base);
        for (int n = 2; Files.exists(dir); n++) dir = root.resolve(base + "." + n);
        return dir;
    }

    /** The newest session whose device (overlay) is still there. */
    Optional<Path> lastDevice() {
        return devices().stream().findFirst();
    }

    /** Records that {@code session}'s device runs on {@code image} (a guest.properties). */
    static void recordImage(Path session, Path image) {
        try {
            Files.writeString(session.resolve(IMAGE), image.toAbsolutePath() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the session's image in " + session, e);
        }
    }

    /** The image {@code session} recorded ({@link #recordImage}); empty for a session before the record or a test's run directory. */
    static Optional<Path> imageOf(Path session) {
        Path record = session.resolve(IMAGE);
        if (!Files.isRegularFile(record)) return Optional.empty();
        try {
            return Optional.of(Path.of(Files.readString(record).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + record, e);
        }
    }

    /** Deletes the devices of all but the newest {@value #KEEP_OVERLAYS} sessions that hold one; returns those sessions. */
    List<Path> prune() {
        List<Path> devices = devices();
        List<Path> old = devices.subList(Math.min(KEEP_OVERLAYS, devices.size()), devices.size());
        for (Path d : old) {
            try {
                Files.deleteIfExists(d.resolve(OVERLAY));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete an old session's overlay in " + d, e);
            }
        }
        return List.copyOf(old);
    }

    /** Session directories holding a device, newest first (their names sort by start time). */
    private List<Path> devices() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(OVERLAY)))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }
}
