package io.trialboot.image;

import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.WitnessMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an attacker with a shell would plant to trust a root of their own (RogueRootIT,
 * docs/verified-boot.md), on the media under {@code updates/rogue-root/}: {@code rogue.pub}, a root
 * no anchor holds; {@code dam.cbor} (+ {@code .sig}), an admission record signed by it that admits
 * {@code rogue-release}; {@code manifest.nxm} (+ {@code .sig}), v1.1.0's release (the healthy image
 * on the media) signed by {@code rogue-release}. Both keys are derived like the corpus' strangers.
 */
final class RogueRoot {
    static final String DIR = "rogue-root";

    private RogueRoot() {}

    static void write(Path updates, ReleaseMedia.Inputs in) {
        SigningKey root = HostileFiles.stranger(in.keys(), "rogue-root");
        SigningKey release = HostileFiles.stranger(in.keys(), "rogue-release");
        Path dir = updates.resolve(DIR);
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("rogue.pub"), Ed25519.toPem(root.publicKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Packaging.admission(new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, in.policy(),
                WitnessMode.SINGLE, 1, Map.of(release.keyId(), release.publicKey()), Set.of()), root)
                .writeTo(dir.resolve("dam.cbor"));
        Fixture healthy = Fixture.HEALTHY;
        Packaging.release(new Packaging.ReleaseInput(healthy.version(), Fixture.FACTORY.version(), FactoryState.COMPATIBLE,
                Packaging.systemIndexDigest(in.systemSet(healthy)), in.policy(), in.image(healthy),
                Optional.of(ReleaseMedia.fullPath(healthy.version())), List.of()), List.of(release))
                .writeTo(dir.resolve("manifest.nxm"));
    }
}
