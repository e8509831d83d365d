package io.trialboot.format.tar;

import java.util.Objects;

/** A regular file in a tar archive: its checked name and size in bytes. */
public record TarEntry(String name, long size) {
    public TarEntry {
        Objects.requireNonNull(name, "name");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
