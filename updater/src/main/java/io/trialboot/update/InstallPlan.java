package io.trialboot.update;

import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityParams;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine needs from a release whose manifest was already verified (signature, admitted
 * key, {@code compatible}) by the formats code: every byte it installs is bound to these digests.
 *
 * @param releaseId a stable name for receipts and history (e.g. the manifest's digest or id)
 * @param minVersion the oldest installed version this release may be installed over (the manifest's {@code min_version})
 * @param artifact  the file on the media: the image itself (full) or the {@code .nxdelta}
 * @param target    the slot image the install must produce
 * @param base      for a delta, the image it applies to; empty for a full image
 * @param verity    the dm-verity parameters the manifest signs for the target image (empty: it carries no tree)
 * @param kept      the signed manifest the install keeps on the state partition for stage 0
 *                  ({@link SlotManifests}), written before the slot can be marked verified; empty for
 *                  a target without a tree, and for plans that are only admitted, never applied (the
 *                  engine refuses to apply a plan that signs a tree but keeps no manifest)
 */
public record InstallPlan(String releaseId, Version version, Version minVersion, Kind kind, SlotImage artifact, SlotImage target,
        Optional<SlotImage> base, Optional<VerityParams> verity, Optional<SlotManifests.Delivered> kept) {

    public enum Kind {
        FULL, DELTA;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public InstallPlan {
        Objects.requireNonNull(releaseId, "releaseId");
        Objects.requireNonNull(version, "version");
        if (version.isBelow(Objects.requireNonNull(minVersion, "minVersion"))) {
            throw new IllegalArgumentException("min version " + minVersion + " is above the version " + version);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(base, "base");
        if (kind == Kind.FULL && (base.isPresent() || !artifact.equals(target))) {
            throw new IllegalArgumentException("a full release has no base and its artifact is the target image");
        }
        if (kind == Kind.DELTA && base.isEmpty()) {
            throw new IllegalArgumentException("a delta release names its base image");
        }
        Objects.requireNonNull(verity, "verity");
        Objects.requireNonNull(kept, "kept");
    }

    /** A full release: {@code image} is both the artifact streamed from the media and the target. */
    public static InstallPlan full(String releaseId, Version version, Version minVersion, SlotImage image,
            Optional<VerityParams> verity) {
        return new InstallPlan(releaseId, version, minVersion, Kind.FULL, image, image, Optional.empty(), verity,
                Optional.empty());
    }

    /** A delta release: the {@code .nxdelta} file {@code delta} turns {@code base} into {@code target}. */
    public static InstallPlan delta(String releaseId, Version version, Version minVersion, SlotImage delta,
            SlotImage target, SlotImage base, Optional<VerityParams> verity) {
        return new InstallPlan(releaseId, version, minVersion, Kind.DELTA, delta, target, Optional.of(base), verity,
                Optional.empty());
    }

    /** This plan, keeping {@code manifest} and its signature file {@code signature} for stage 0. */
    public InstallPlan keeping(byte[] manifest, byte[] signature) {
        return new InstallPlan(releaseId, version, minVersion, kind, artifact, target, base, verity,
                Optional.of(new SlotManifests.Delivered(manifest, signature)));
    }

    /** The signed verity root hash in hex, or null when the target image carries no tree. */
    public String verityRoot() {
        return verity.map(v -> v.rootHash().hex()).orElse(null);
    }
}
