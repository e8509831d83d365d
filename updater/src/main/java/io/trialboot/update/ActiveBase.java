package io.trialboot.update;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.BaseImage;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.verity.VerityParams;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The base a delta applies to: the active slot. Where stage 0 mapped it through dm-verity (the
 * guest), it is read through that mapping and proven by the slot's kept manifest
 * ({@link SlotManifests}): the manifest stage 0 checked from its anchored roots at this boot and
 * took the mapping's root hash from (the engine writes only the inactive slot's). Its image must be
 * the delta's base, checked before the first write ({@link BaseImage#check}), and the mapping must be
 * the one of its data, as long as the data it signs; the kernel then checks every block read. Its
 * signed tree, on the raw slot after the data, serves the leaf digests of the blocks a data-only
 * delta copies whole ({@link BaseImage#leaves}, proven against the signed root first). Where
 * the slot is not mapped (the host, a slot another boot mapped), the raw slot is read and hashed.
 */
final class ActiveBase {
    private ActiveBase() {}

    /** Opens the active slot {@code active} as a delta's base; the caller closes its device. */
    static BaseImage open(SlotDevices slots, Path stateRoot, Slot active) {
        Optional<BlockDevice> mapping = slots.mapped(active);
        if (mapping.isEmpty()) {
            return BaseImage.hashed(slots.open(active, false));
        }
        try {
            ReleaseManifest kept = kept(stateRoot, active);
            VerityParams v = kept.verity().filter(p -> p.treeOffset() == p.dataSize())
                    .orElseThrow(() -> new TrialbootException(Code.SLOT_UNVERIFIABLE, "slot " + active
                            + " is mapped through dm-verity but its kept manifest signs no verity tree right after the"
                            + " data"));
            if (mapping.get().size() != v.dataSize()) {
                throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the dm-verity mapping of slot " + active + " ("
                        + mapping.get() + ") is " + mapping.get().size() + " bytes, but its kept manifest signs "
                        + v.dataSize() + " bytes of data: it is not that manifest's mapping; nothing was written");
            }
            return BaseImage.verified(mapping.get(), kept.image(), new BaseImage.Tree(slots.open(active, false), v));
        } catch (TrialbootException e) {
            mapping.get().close();
            throw e;
        }
    }

    private static ReleaseManifest kept(Path stateRoot, Slot slot) {
        Path file = SlotManifests.manifest(stateRoot, slot);
        try {
            return ReleaseManifest.decode(Inputs.read(file, Bounds.MANIFEST_BYTES));
        } catch (TrialbootException e) {
            throw new TrialbootException(Code.SLOT_UNVERIFIABLE, "slot " + slot + " is mapped through dm-verity but"
                    + " its kept manifest " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
