package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.update.InstallPlan;
import io.trialboot.verified.VerifiedRelease;
import java.util.Optional;

/**
 * Binds a release the formats code verified ({@link VerifiedRelease}) to what the engine installs
 * ({@link io.trialboot.update.InstallPlan}): picks the artifact for this device — the delta
 * that applies to the active slot's image when there is one (smaller, faster), else the full image
 * — and carries its digests over unchanged. The image build's host check uses the same binding,
 * so the fixtures are judged exactly as the device judges them.
 */
public final class Releases {
    private Releases() {}

    /** The engine's view of {@code v} and the artifact to stream from the media. */
    public record Chosen(InstallPlan release, Artifact artifact) {}

    /**
     * @param activeImage the digest of the image in the active slot, if recorded
     * @throws TrialbootException {@code BASE_MISMATCH} when no delta applies and there is no full image
     */
    public static Chosen choose(VerifiedRelease v, Optional<Sha256> activeImage) {
        Artifact a;
        if (activeImage.isEmpty()) {
            a = v.full().orElseThrow(() -> new TrialbootException(Code.BASE_MISMATCH, "release "
                    + v.manifest().version() + " has only deltas and the active slot's image is not recorded"));
        } else {
            Optional<Artifact> full = v.full();
            try {
                a = v.deltaFrom(activeImage.get());
            } catch (TrialbootException e) {
                a = full.orElseThrow(() -> e);
            }
        }
        SlotImage target = v.manifest().image();
        SlotImage artifact = new SlotImage(a.sha256(), a.size());
        String id = "rel-" + v.manifest().version() + "@" + v.manifestSha256().shortHex();
        InstallPlan r = a.kind() == Artifact.Kind.FULL
                ? InstallPlan.full(id, v.manifest().version(), v.manifest().minVersion(), target, v.manifest().verity())
                : InstallPlan.delta(id, v.manifest().version(), v.manifest().minVersion(), artifact, target,
                        a.base().orElseThrow(), v.manifest().verity());
        return new Chosen(r, a);
    }
}
