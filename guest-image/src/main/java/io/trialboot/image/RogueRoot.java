package io.trialboot.image;

import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.Trust;
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
 * Their paths, relative to the media's {@code updates/}, are public: ForgedSlotIT and RogueRootIT name
 * them from here.
 */
public final class RogueRoot {
    static final String DIR = "rogue-root";
    /** The planted root's public key. */
    public static final String KEY = DIR + "/rogue.pub";
    /** The admission record the planted root signed (its signature beside it, {@code SignatureFile}). */
    public static final String ADMISSION = DIR + "/" + Trust.ADMISSION_FILE;
    /** The release signed by {@code rogue-release} (its signature beside it). */
    public static final String MANIFEST = DIR + "/" + ReleaseMedia.MANIFEST;

    private RogueRoot() {}

    /** The full slot image {@link #MANIFEST} signs: v1.1.0's, on the media among the good releases. */
    public static String image() {
        return ReleaseMedia.fullPath(Fixture.HEALTHY.version());
    }

    static void write(Path updates, ReleaseMedia.Inputs in) {
        SigningKey root = HostileFiles.stranger(in.keys(), "rogue-root");
        SigningKey release = HostileFiles.stranger(in.keys(), "rogue-release");
        try {
            Files.createDirectories(updates.resolve(DIR));
            Files.write(updates.resolve(KEY), Ed25519.toPem(root.publicKey()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Packaging.admission(new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, in.policy(),
                WitnessMode.SINGLE, 1, Map.of(release.keyId(), release.publicKey()), Set.of()), root)
                .writeTo(updates.resolve(ADMISSION));
        Fixture healthy = Fixture.HEALTHY;
        Packaging.release(new Packaging.ReleaseInput(healthy.version(), Fixture.FACTORY.version(), FactoryState.COMPATIBLE,
                Packaging.systemIndexDigest(in.systemSet(healthy)), in.policy(), in.image(healthy),
                Optional.of(image()), List.of()), List.of(release))
                .writeTo(updates.resolve(MANIFEST));
    }
}
