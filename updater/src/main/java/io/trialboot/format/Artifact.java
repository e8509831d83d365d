package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotImage;
import io.trialboot.format.tar.ArchivePath;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One installable file of a release: the slot image itself ({@link Kind#FULL}) or a {@code .nxdelta}
 * ({@link Kind#DELTA}) with the digest and size of the base image it applies to. {@code path} is
 * relative to the update media's {@code updates/} directory ({@code pkg://updates/<path>}). Every
 * size is positive: a signed size of 0 is {@link Code#SCHEMA_VIOLATION}.
 */
public record Artifact(Kind kind, String path, Sha256 sha256, long size, Optional<SlotImage> base) {

    public enum Kind {
        FULL, DELTA;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.text().equals(text)) {
                    return k;
                }
            }
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "artifact kind '" + text + "' is not full or delta");
        }
    }

    /**
     * A slot image named in a manifest, by digest and size: a size of 0 or above
     * {@link Bounds#SLOT_IMAGE_BYTES} is {@link Code#SCHEMA_VIOLATION}.
     */
    public static SlotImage image(Sha256 digest, long size) {
        Objects.requireNonNull(digest, "digest");
        Check.positiveSize("image size", size, Bounds.SLOT_IMAGE_BYTES);
        return new SlotImage(digest, size);
    }

    public Artifact {
        Objects.requireNonNull(kind, "kind");
        ArchivePath.check(path);
        Objects.requireNonNull(sha256, "sha256");
        Check.positiveSize(kind.text() + " artifact size", size, Bounds.SLOT_IMAGE_BYTES);
        if (base.isPresent() != (kind == Kind.DELTA)) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, kind == Kind.DELTA
                    ? "delta artifact " + path + " lacks its base image" : "full artifact " + path + " names a base image");
        }
    }

    public static Artifact full(String path, Sha256 sha256, long size) {
        return new Artifact(Kind.FULL, path, sha256, size, Optional.empty());
    }

    public static Artifact delta(String path, Sha256 sha256, long size, SlotImage base) {
        return new Artifact(Kind.DELTA, path, sha256, size, Optional.of(base));
    }
}
