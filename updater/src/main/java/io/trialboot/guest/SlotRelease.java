package io.trialboot.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The slot's release file ({@link GuestPaths#release()}): a {@code NAME=} and a {@code VERSION=}
 * line. The image's slot builder writes it ({@link #text}); bundlemgrd (the slot's version) and the
 * receipts' build id (GuestMain) read it ({@link #version}). The one home of its lines.
 */
public final class SlotRelease {
    private static final String NAME = "NAME=trialboot";
    private static final String VERSION = "VERSION=";

    private SlotRelease() {}

    /** The release file of a slot of {@code version} ({@code MAJOR.MINOR.PATCH}). */
    public static String text(String version) {
        return NAME + "\n" + VERSION + version + "\n";
    }

    /**
     * The value of {@code file}'s first {@code VERSION=} line as written, or empty when it has none.
     *
     * @throws IOException when the file cannot be read
     */
    static Optional<String> version(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(VERSION)) {
                return Optional.of(line.substring(VERSION.length()));
            }
        }
        return Optional.empty();
    }
}
