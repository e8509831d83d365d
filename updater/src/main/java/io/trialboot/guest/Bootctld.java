package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/**
 * bootctld: owns the boot-control state. At start it reads what stage 0 decided and wrote for
 * this boot (the booted slot, the boot count, tries left) and only then reports ready.
 */
final class Bootctld {
    private final GuestPaths paths;
    private volatile BootControlFile current;

    Bootctld(GuestPaths paths) {
        this.paths = paths;
    }

    void start(PrintStream console) {
        current = read();
        if (current.booted().isEmpty()) {
            throw new TrialbootException(Code.MALFORMED_INPUT,
                    "boot-control file names no booted slot: stage 0 did not record this boot");
        }
        console.println(Marker.BOOTCTLD_READY.line());
    }

    BootControlFile read() {
        try {
            return BootControlFile.decode(Files.readAllBytes(paths.bootControl()));
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "no boot-control file at " + paths.bootControl());
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + paths.bootControl() + ": " + e, e);
        }
    }

    /** The state as of this boot (read at start). */
    BootControlFile current() {
        return current;
    }

    Slot bootedSlot() {
        return current.booted().orElseThrow();
    }
}
