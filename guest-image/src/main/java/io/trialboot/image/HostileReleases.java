package io.trialboot.image;

import static io.trialboot.image.HostileFiles.ascii;
import static io.trialboot.image.HostileFiles.edit;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.with;

import io.trialboot.core.Bounds;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Feed;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.image.HostileCorpus.Ctx;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.WitnessMode;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The releases, feeds and admission records the hostile cases start from, built from the fixtures as
 * the media's good ones are (then edited by each case): explicit manifests, the good feed, deltas
 * from the factory image, short names for the fixtures' versions.
 */
final class HostileReleases {
    private HostileReleases() {}

    static Version v(String s) {
        return Version.parse(s);
    }

    static Version factory() {
        return Fixture.FACTORY.version();
    }

    /** A full release of fixture {@code f}'s image as version {@code v}, signed by {@code key}. */
    static Signed full(Ctx c, Fixture f, Version v, Version min, String compatible, Sha256 policy,
            SigningKey key) {
        SlotImage img = image(c.in().image(f));
        return manifest(c.in(), v, min, compatible, img, policy,
                List.of(Artifact.full(ReleaseMedia.fullPath(f.version()), img.digest(), img.size())), key);
    }

    static Signed full(Ctx c, Version v, SigningKey key) {
        return full(c, Fixture.HEALTHY, v, v.isBelow(factory()) ? v : factory(), FactoryState.COMPATIBLE, c.in().policy(), key);
    }

    /** v1.1.0's good manifest, re-signed, with the first artifact's map edited. */
    static Signed editArtifact(Ctx c, UnaryOperator<Map<String, CborValue>> e) {
        return editedHealthy(c.in(), m -> {
            CborValue.Array arts = (CborValue.Array) m.get("artifacts");
            Map<String, CborValue> a = new LinkedHashMap<>(((CborValue.CMap) arts.items().get(0)).entries());
            return with(m, "artifacts", new CborValue.Array(List.of(new CborValue.CMap(e.apply(a)))));
        });
    }

    static Sha256 sha(String s) {
        return Sha256.of(ascii(s));
    }

    static Signed goodFeed(Ctx c) {
        return new Signed(Inputs.read(c.updates().resolve(VerifiedFeed.STABLE), Bounds.FEED_BYTES),
                SignatureFile.readBeside(c.updates().resolve(VerifiedFeed.STABLE)));
    }

    /** A delta-only v1.1.0 release (v1.1.0's image) with one delta artifact. */
    static Signed deltaRelease(Ctx c, SlotImage delta, String path, SlotImage base) {
        try {
            return manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                    image(c.in().image(Fixture.HEALTHY)), c.in().policy(),
                    List.of(Artifact.delta(path, delta.digest(), delta.size(), base)), c.release(),
                    VerityImage.read(c.in().image(Fixture.HEALTHY)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AdmissionRecord factoryRecord(Ctx c) {
        return FactoryState.admission(c.in().keys(), c.in().policy());
    }

    /** A release manifest as {@link Packaging#release} makes it, but from explicit fields (no file measured). */
    static Signed manifest(ReleaseMedia.Inputs in, Version v, Version min, String compatible, SlotImage image,
            Sha256 policy, List<Artifact> artifacts, SigningKey signer) {
        return manifest(in, v, min, compatible, image, policy, artifacts, signer, Optional.empty());
    }

    /** {@link #manifest} signing the image's verity parameters too (a delta of an image with a tree needs them). */
    static Signed manifest(ReleaseMedia.Inputs in, Version v, Version min, String compatible, SlotImage image,
            Sha256 policy, List<Artifact> artifacts, SigningKey signer, Optional<VerityParams> verity) {
        ReleaseManifest m = new ReleaseManifest(v, min, compatible, signer.keyId(), image,
                Packaging.systemIndexDigest(in.systemSet(Fixture.HEALTHY)), policy, artifacts, verity);
        return sign(m.encode(), signer);
    }

    /** v1.1.0's good manifest with its top-level fields edited, signed again by {@code test-release-1}. */
    static Signed editedHealthy(ReleaseMedia.Inputs in, UnaryOperator<Map<String, CborValue>> e) {
        return sign(edit(healthy(in).content(), e), in.keys().release());
    }

    /** v1.1.0's good manifest bytes with a byte-level change, signed again. */
    static Signed rawHealthy(ReleaseMedia.Inputs in, UnaryOperator<byte[]> e) {
        return sign(e.apply(healthy(in).content()), in.keys().release());
    }

    static SlotImage image(Path file) {
        return Artifact.image(FileDigests.sha256(file), ReleaseMedia.size(file));
    }

    /** The factory's admission record ({@link FactoryState#admission}) but for {@code domain} and {@code revoked}. */
    static AdmissionRecord admission(ReleaseMedia.Inputs in, String domain, Set<KeyId> revoked) {
        return new AdmissionRecord(domain, FactoryState.COMPATIBLE, in.policy(), WitnessMode.SINGLE, 1,
                Map.of(in.keys().release().keyId(), in.keys().release().publicKey()), revoked);
    }

    static String factoryDomain() {
        return HostStateTree.SYSTEM_DOMAIN;
    }

    /** A feed with exactly {@code entries} (sorted as the format wants), signed by {@code key}. */
    static Signed feed(List<Feed.Entry> entries, SigningKey key) {
        List<Feed.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Feed.ORDER);
        return sign(new Feed(ReleaseMedia.CHANNEL, sorted).encode(), key);
    }

    /** The feed entry of a manifest file under {@code updates}, optionally announcing another version. */
    static Feed.Entry entry(Path updates, String path, Version announced) {
        byte[] bytes = Inputs.read(updates.resolve(path), Bounds.MANIFEST_BYTES);
        return new Feed.Entry(announced, path, Sha256.of(bytes), bytes.length);
    }

    static byte[] signatureFile(SignatureFile.Entry... entries) {
        return new SignatureFile(Arrays.asList(entries)).encode();
    }
}
