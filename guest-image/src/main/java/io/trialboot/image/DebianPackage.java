package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.nio.file.Path;
import java.util.Objects;

/** A downloaded, verified Debian package: what the build manifest records for each input. */
record DebianPackage(String name, String version, Sha256 sha256, long size, Path file) {
    DebianPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(file, "file");
    }
}
