package io.trialboot.update;

import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import java.nio.file.Path;

/**
 * The signed release manifest of the image a slot holds, kept on the state partition for stage 0
 * (docs/verified-boot.md): {@code slot-<a|b>.nxm} and its signature file {@code slot-<a|b>.nxm.sig},
 * byte for byte as the release delivered them. Stage 0 checks them from its own anchor before it
 * maps the slot through dm-verity; nothing here is trusted because it is on {@code /state}. Written
 * once the slot is written and read back, before the install is reported and before any switch.
 */
public final class SlotManifests {
    /** Slot a's manifest relative to the root of the state partition; {@code %s} is the slot letter. */
    public static final String PATH = "asl-host/domains/system/snapshots/slot-%s.nxm";
    public static final String SIGNATURE_SUFFIX = ".sig";

    private SlotManifests() {}

    /** The manifest of {@code slot} under {@code stateRoot} (the state partition's mount point). */
    public static Path manifest(Path stateRoot, Slot slot) {
        return stateRoot.resolve(String.format(PATH, slot.letter()));
    }

    /** Writes the signature file and the manifest durably; a cut between the two leaves a pair that does not verify, which stage 0 refuses. */
    public static void keep(StateWriter writer, Path stateRoot, Slot slot, byte[] manifest, byte[] signature) {
        Path file = manifest(stateRoot, slot);
        writer.write(file.resolveSibling(file.getFileName() + SIGNATURE_SUFFIX), signature);
        writer.write(file, manifest);
    }
}
