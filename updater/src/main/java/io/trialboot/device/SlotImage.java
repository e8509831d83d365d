package io.trialboot.device;

import io.trialboot.core.Sha256;
import java.util.Objects;

/** The identity of an image in a slot: its digest over exactly {@code size} bytes from offset 0. */
public record SlotImage(Sha256 digest, long size) {
    public SlotImage {
        Objects.requireNonNull(digest, "digest");
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
    }
}
