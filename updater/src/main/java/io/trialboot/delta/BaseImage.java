package io.trialboot.delta;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotImage;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a delta's base is read from, and how it is proven to be the base the delta names
 * (docs/delta.md, "Reading the base"):
 * <ul>
 * <li>{@linkplain #hashed hashed}: the raw image; the applier takes its SHA-256 as it reads it and
 * compares it with the header's after the operations (the host's {@code trialboot verify --base},
 * and a device whose active slot is not mapped);</li>
 * <li>{@linkplain #verified verified}: the active slot read through the dm-verity mapping stage 0
 * made with the root hash of the slot's kept, signed manifest, whose image is {@code signed}. The
 * applier compares {@code signed} with the header's base before the first write; the kernel then
 * checks every block read against that root, and a block that does not verify (EIO) is
 * {@link Code#DELTA_BASE_MISMATCH}. The mapping holds the image's data only: it ends where the tree
 * starts.</li>
 * </ul>
 */
public record BaseImage(BlockDevice device, Optional<SlotImage> signed) {
    public BaseImage {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(signed, "signed");
    }

    /** The raw base image, hashed by the applier as it reads it. */
    public static BaseImage hashed(BlockDevice raw) {
        return new BaseImage(raw, Optional.empty());
    }

    /** The data of the signed image {@code signed}, read through the kernel's dm-verity mapping of it. */
    public static BaseImage verified(BlockDevice mapping, SlotImage signed) {
        return new BaseImage(mapping, Optional.of(signed));
    }

    /**
     * Before anything is written: the base the header names must be the one this device holds
     * ({@link Code#DELTA_BASE_MISMATCH}), and every byte the operations may read must be readable
     * here — for a verified base, inside the mapping (the data, not the tree).
     */
    void check(DeltaHeader h) {
        if (signed.isEmpty()) {
            if (h.source().size() > device.size()) {
                throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "base image of " + h.source().size()
                        + " bytes is larger than the active slot " + device);
            }
            return;
        }
        if (!signed.get().equals(h.source())) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the active slot's signed image is "
                    + DeltaApplier.describe(signed.get()) + ", the delta applies to " + DeltaApplier.describe(h.source())
                    + "; nothing was written");
        }
        if (h.sourceData() > device.size()) {
            throw new TrialbootException(Code.DELTA_BASE_MISMATCH, "the delta reads the first " + h.sourceData()
                    + " bytes of its base, but the active slot's verity mapping " + device + " holds its data only, "
                    + device.size() + " bytes: a delta may not copy from the base's tree; nothing was written");
        }
    }
}
