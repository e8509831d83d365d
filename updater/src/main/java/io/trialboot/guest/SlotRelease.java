package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The slot's release file ({@link GuestPaths#release()}): a {@code NAME=} and a {@code VERSION=}
 * line. The image's slot builder writes it ({@link #text}); the guest reads it once at start-up
 * ({@link #read}, held by bundlemgrd), for the receipts' build id (GuestMain) and the slot's
 * version (bundlemgrd). The one home of its lines.
 */
public final class SlotRelease {
    private static final String NAME = "NAME=trialboot";
    private static final String VERSION = "VERSION=";

    private SlotRelease() {}

    /** The release file of a slot of {@code version} ({@code MAJOR.MINOR.PATCH}). */
    public static String text(String version) {
        return NAME + "\n" + VERSION + version + "\n";
    }

    /** {@code file} read once: what it says, or why it could not be read. */
    static Read read(Path file) {
        try {
            return new Read(file, version(file), null);
        } catch (IOException e) {
            return new Read(file, Optional.empty(), e);
        }
    }

    /**
     * The release file as read.
     *
     * @param written its first {@code VERSION=} value as written; empty when it has none or could not be read
     * @param failure why it could not be read, or null
     */
    record Read(Path file, Optional<String> written, IOException failure) {
        /** {@code trialboot-<version>}, or {@code trialboot-unknown} (bundlemgrd reports why, with its code). */
        String buildId() {
            return "trialboot-" + written.map(String::strip).orElse("unknown");
        }

        /**
         * The slot's version: {@code HOST_NOT_FOUND} when the file could not be read,
         * {@code MALFORMED_INPUT} when it has no {@code VERSION=} line or not a version there.
         */
        Version version() {
            if (failure != null) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "cannot read the slot's release file " + file + ": "
                        + IoFailure.reason(failure), failure);
            }
            return Version.parse(written.orElseThrow(
                    () -> new TrialbootException(Code.MALFORMED_INPUT, file + " has no VERSION= line")));
        }
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
