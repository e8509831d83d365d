package io.trialboot.update;

import io.trialboot.apply.FullApply;
import io.trialboot.apply.Progress;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.BaseImage;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDevices;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The bytes of an install: a full image streamed into the target slot, or a delta applied from
 * the active slot ({@link ActiveBase}) by {@link DeltaApplier} (which checks the delta file's
 * signed digest before parsing it, and reads the target back).
 */
final class SlotWrite {
    private Sha256 observed;

    /** The digest of what the slot holds once it was measured, also when a later check failed; else null. */
    Sha256 observed() {
        return observed;
    }

    /**
     * Writes {@code r}'s image into {@code target}; returns the digest of what the slot now holds.
     * Media that cannot be read is {@code HOST_IO_ERROR}.
     */
    Sha256 run(SlotDevices slots, Path stateRoot, InstallPlan r, Slot target, Slot active, InputStream artifact,
            Progress.Listener progress) {
        try (BlockDevice dev = slots.open(target, true)) {
            BlockDevice out = Progress.reporting(dev, target, r.target().size(), Progress.STEP_BYTES, progress);
            if (r.kind() == InstallPlan.Kind.FULL) {
                observed = FullApply.write(artifact, out, r.target());
                return observed;
            }
            try (BaseImage base = ActiveBase.open(slots, stateRoot, active)) {
                observed = DeltaApplier.apply(artifact, r.artifact(), base, out, r.base().orElseThrow(), r.target(),
                        r.verity());
            }
            return observed;
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading the update media failed: " + IoFailure.reason(e), e);
        }
    }
}
