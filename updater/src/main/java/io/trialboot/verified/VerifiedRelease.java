package io.trialboot.verified;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A release manifest whose signatures met the domain's witness mode and whose {@code compatible}
 * and policy digest match the admission record. The version floor and slot state are the engine's
 * to check; this gives it the verified values and the artifact checks.
 */
public record VerifiedRelease(ReleaseManifest manifest, Sha256 manifestSha256, Set<KeyId> signers) {
    public VerifiedRelease {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestSha256, "manifestSha256");
        signers = Set.copyOf(signers);
    }

    /** Reads {@code manifest} and {@code manifest.sig} beside it, bounded, and verifies them. */
    public static VerifiedRelease load(Path manifest, Trust trust) {
        return verify(Inputs.read(manifest, Bounds.MANIFEST_BYTES),
                SignatureFile.readBeside(manifest), trust);
    }

    /** Verifies signature (before parsing), named signer, {@code compatible} and policy digest. */
    public static VerifiedRelease verify(byte[] manifestBytes, byte[] signatureFile, Trust trust) {
        Bounds.check("release manifest", manifestBytes.length, Bounds.MANIFEST_BYTES);
        Bounds.check("release manifest signature", signatureFile.length, Bounds.SIGNATURE_BYTES);
        Set<KeyId> signers = trust.verify("release manifest", manifestBytes, signatureFile);
        ReleaseManifest m = ReleaseManifest.decode(manifestBytes);
        if (!signers.contains(m.signer())) {
            throw new TrialbootException(Code.SIGNER_MISMATCH, "release " + m.version() + " names signer " + m.signer()
                    + " but its valid signers are " + signers);
        }
        String domainCompatible = trust.admission().compatible();
        if (!m.compatible().equals(domainCompatible)) {
            throw new TrialbootException(Code.COMPATIBLE_MISMATCH, "release " + m.version() + " is for '"
                    + m.compatible() + "', this device is '" + domainCompatible + "'");
        }
        if (!m.policy().equals(trust.admission().policy())) {
            throw new TrialbootException(Code.POLICY_MISMATCH, "release " + m.version() + " expects policy "
                    + m.policy().shortHex() + ", the admission record pins " + trust.admission().policy().shortHex());
        }
        return new VerifiedRelease(m, Sha256.of(manifestBytes), signers);
    }

    public Optional<Artifact> full() {
        return manifest.artifacts().stream().filter(a -> a.kind() == Artifact.Kind.FULL).findFirst();
    }

    /** The delta that applies to the image now in the active slot; {@link Code#BASE_MISMATCH} if none does. */
    public Artifact deltaFrom(Sha256 activeImage) {
        return manifest.artifacts().stream()
                .filter(a -> a.kind() == Artifact.Kind.DELTA && a.base().orElseThrow().digest().equals(activeImage))
                .findFirst()
                .orElseThrow(() -> new TrialbootException(Code.BASE_MISMATCH, "release " + manifest.version()
                        + " has no delta from the active slot's image " + activeImage.shortHex()));
    }

    /**
     * Streams an artifact's bytes and checks them against the signed size and digest: a short
     * (truncated) or long payload is {@link Code#SIZE_MISMATCH}, other bytes (say from another
     * release) {@link Code#DIGEST_MISMATCH}. Reads at most the signed size plus one byte.
     */
    public void checkArtifact(Artifact artifact, InputStream bytes) {
        if (!manifest.artifacts().contains(artifact)) {
            throw new IllegalArgumentException("artifact " + artifact.path() + " is not part of release " + manifest.version());
        }
        Inputs.Measured m;
        try {
            m = Inputs.measure(bytes, artifact.size(), "artifact " + artifact.path());
        } catch (TrialbootException e) {
            if (e.code() != Code.HOST_INPUT_OVERSIZE) {
                throw e;
            }
            throw new TrialbootException(Code.SIZE_MISMATCH, "artifact " + artifact.path()
                    + " is longer than its signed size " + artifact.size());
        }
        if (m.size() != artifact.size()) {
            throw new TrialbootException(Code.SIZE_MISMATCH, "artifact " + artifact.path() + " is " + m.size()
                    + " bytes, the signed manifest says " + artifact.size() + (m.size() < artifact.size() ? " (truncated)" : ""));
        }
        if (!m.sha256().equals(artifact.sha256())) {
            throw new TrialbootException(Code.DIGEST_MISMATCH, "artifact " + artifact.path() + " has sha256 "
                    + m.sha256() + ", release " + manifest.version() + " signs " + artifact.sha256());
        }
    }
}
