package io.trialboot.update;

import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.trust.SignatureFile;
import java.nio.file.Path;

/**
 * The signed release manifest of the image a slot holds, kept on the state partition for stage 0
 * (docs/verified-boot.md): {@code slot-<a|b>.nxm} and its signature file {@code slot-<a|b>.nxm.sig},
 * byte for byte as the release delivered them. Stage 0 checks them from its own anchor before it
 * maps the slot through dm-verity; nothing here is trusted because it is on {@code /state}.
 *
 * <p>Written by {@link UpdateEngine#apply} right after the slot is marked invalid and before its
 * first byte is written, so the boot-control state that lets stage 0 try the slot ({@code verified},
 * then a trial) only ever follows a kept manifest of the image it holds: a power cut in any gap
 * leaves either an invalid slot (whatever manifest is kept, stage 0 never tries it) or a verified
 * slot whose kept manifest is its own (docs/verified-boot.md#the-kept-manifest-and-power-cuts).
 */
public final class SlotManifests {
    /** Slot a's manifest relative to the root of the state partition; {@code %s} is the slot letter. */
    public static final String PATH = "asl-host/domains/system/snapshots/slot-%s.nxm";

    private SlotManifests() {}

    /** A release's signed manifest and its signature file, byte for byte as the release delivered them. */
    public record Delivered(byte[] manifest, byte[] signature) {
        public Delivered {
            manifest = manifest.clone();
            signature = signature.clone();
        }

        @Override
        public byte[] manifest() {
            return manifest.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    /** The manifest of {@code slot} under {@code stateRoot} (the state partition's mount point). */
    public static Path manifest(Path stateRoot, Slot slot) {
        return stateRoot.resolve(String.format(PATH, slot.letter()));
    }

    /**
     * Writes the signature file and the manifest durably; a cut between the two leaves a pair that
     * does not verify, which stage 0 refuses (the engine writes them only while the slot is invalid).
     */
    public static void keep(StateWriter writer, Path stateRoot, Slot slot, Delivered delivered) {
        Path file = manifest(stateRoot, slot);
        writer.write(SignatureFile.beside(file), delivered.signature());
        writer.write(file, delivered.manifest());
    }
}
