package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * bundlemgrd: publishes the slot the device booted from (to {@code /run/trialboot/active-slot})
 * together with the release it carries, then reports the slot active.
 */
final class Bundlemgrd {
    private final GuestPaths paths;
    private volatile Version version;

    Bundlemgrd(GuestPaths paths) {
        this.paths = paths;
    }

    void start(Slot booted, PrintStream console) {
        version = readRelease();
        try {
            Files.createDirectories(paths.run());
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot create " + paths.run() + ": " + e, e);
        }
        DurableFiles.write(paths.publishedSlot(),
                ("slot=" + booted.letter() + "\nversion=" + version + "\n").getBytes(StandardCharsets.US_ASCII));
        console.println(Marker.BUNDLEMGRD_SLOT_ACTIVE.line(booted.letter()));
    }

    Version version() {
        return version;
    }

    private Version readRelease() {
        try {
            for (String line : Files.readAllLines(paths.release(), StandardCharsets.UTF_8)) {
                if (line.startsWith("VERSION=")) {
                    return Version.parse(line.substring("VERSION=".length()));
                }
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "cannot read the slot's release file " + paths.release() + ": " + e, e);
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, paths.release() + " has no VERSION= line");
    }
}
