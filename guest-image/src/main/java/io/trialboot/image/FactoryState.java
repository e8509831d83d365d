package io.trialboot.image;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.Version;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.WitnessMode;
import io.trialboot.update.SlotManifests;
import io.trialboot.verity.VerityImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The factory contents of the {@code state} partition: the host state tree
 * ({@link HostStateTree#create}), the pinned root {@code test-root}, the signed admission record
 * of the {@code system} domain (single-witness, {@code test-release-1} admitted,
 * {@code test-release-revoked} revoked), the domain admitted (FULL), and the factory image recorded
 * as slot a's snapshot. The anti-rollback floor follows from that snapshot: the first
 * {@code onBoot()} raises it to the factory version.
 */
final class FactoryState {
    static final String COMPATIBLE = "trialboot-riscv64-virt";

    private FactoryState() {}

    /** The admission record every fixture release is checked against. */
    static AdmissionRecord admission(FixtureKeys keys, Sha256 policy) {
        return new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, COMPATIBLE, policy, WitnessMode.SINGLE, 1,
                Map.of(keys.release().keyId(), keys.release().publicKey()), Set.of(keys.revoked().keyId()));
    }

    /** Lays down the factory tree in the empty directory {@code stateRoot}; the image carries no verity tree. */
    static HostStateTree write(Path stateRoot, String hostId, FixtureKeys keys, Sha256 policy, Version factoryVersion,
            Sha256 factoryImage, long factoryImageSize) {
        return write(stateRoot, hostId, keys, policy, SlotSnapshot.whole(Slot.A, factoryVersion, factoryImage,
                factoryImageSize, 0));
    }

    /**
     * Lays down the factory tree for the slot image file {@code factoryImage}: its snapshot record
     * names its digest, size and the verity parameters of the tree it carries (checked against its
     * data by {@link VerityImage#read}).
     */
    static HostStateTree write(Path stateRoot, String hostId, FixtureKeys keys, Sha256 policy, Version factoryVersion,
            Path factoryImage) {
        try {
            return write(stateRoot, hostId, keys, policy, SlotSnapshot.whole(Slot.A, factoryVersion,
                    FileDigests.sha256(factoryImage), Files.size(factoryImage), 0)
                    .withVerity(VerityImage.read(factoryImage)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HostStateTree write(Path stateRoot, String hostId, FixtureKeys keys, Sha256 policy,
            SlotSnapshot factory) {
        HostStateTree tree = HostStateTree.create(stateRoot, hostId);
        Packaging.pinRoot(stateRoot, FixtureKeys.ROOT, keys.root().publicKey());
        Packaging.writeAdmission(stateRoot, admission(keys, policy), keys.root());
        KeyId root = keys.root().keyId();
        tree.system().recordAdmission(AdmissionOutcome.ACCEPTED, root.hex(), policy.hex(), null);
        tree.system().recordFactoryImage(factory);
        return tree;
    }

    /** Keeps the factory slot's signed release manifest where every install keeps its slot's: stage 0 checks it before it boots slot a. */
    static void keepFactoryManifest(Path stateRoot, Signed manifest) {
        SlotManifests.keep(StateWriter.DURABLE, stateRoot, Slot.A,
                new SlotManifests.Delivered(manifest.content(), manifest.signature()));
    }
}
