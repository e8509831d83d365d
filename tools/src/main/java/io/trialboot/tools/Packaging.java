package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.Inputs;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Json;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Bundle;
import io.trialboot.format.BundleManifest;
import io.trialboot.format.Feed;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.format.SystemIndex;
import io.trialboot.format.SystemSet;
import io.trialboot.format.tar.ArchivePath;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The host tools' plain Java API, called by the image build and wrapped by the
 * {@link TrialbootTool} commands. Same inputs give the same output bytes: every encoding is
 * canonical and Ed25519 signatures are deterministic.
 */
public final class Packaging {
    private Packaging() {}

    /** A detached signature file by each of {@code keys} (sorted by key id; a key given twice is an error). */
    public static byte[] sign(byte[] content, List<SigningKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one signing key is needed");
        }
        Map<KeyId, SignatureFile.Entry> entries = new TreeMap<>();
        for (SigningKey k : keys) {
            if (entries.put(k.keyId(), new SignatureFile.Entry(k.keyId(), k.sign(content))) != null) {
                throw new IllegalArgumentException("key " + k.keyId() + " given twice");
            }
        }
        return new SignatureFile(new ArrayList<>(entries.values())).encode();
    }

    /**
     * Adds {@code key}'s signature to an existing signature file over {@code content} (a quorum
     * co-signer who holds only their own key). Existing signatures are kept as they are, not
     * re-checked; the result is sorted by key id, so the order of co-signing does not matter.
     */
    public static byte[] cosign(byte[] content, byte[] signatureFile, SigningKey key) {
        Map<KeyId, SignatureFile.Entry> entries = new TreeMap<>();
        for (SignatureFile.Entry e : SignatureFile.decode(signatureFile).signatures()) {
            entries.put(e.key(), e);
        }
        if (entries.containsKey(key.keyId())) {
            throw new TrialbootException(Code.HOST_EXISTS, "the signature file already holds a signature by " + key.keyId());
        }
        entries.put(key.keyId(), new SignatureFile.Entry(key.keyId(), key.sign(content)));
        Bounds.check("signatures in one file", entries.size(), Bounds.SIGNATURES);
        return new SignatureFile(new ArrayList<>(entries.values())).encode();
    }

    /** Writes {@code <stateRoot>/asl-host/host/trusted-roots/<name>.pub}. */
    public static Path pinRoot(Path stateRoot, String name, byte[] rawPublicKey) {
        Path file = stateRoot.resolve(Trust.ROOTS_DIR).resolve(name + ".pub");
        write(file, Ed25519.toPem(rawPublicKey));
        return file;
    }

    /** The admission record signed by {@code root}. */
    public static Signed admission(AdmissionRecord record, SigningKey root) {
        byte[] bytes = record.encode();
        return new Signed(bytes, sign(bytes, List.of(root)));
    }

    /**
     * Writes the signed admission record into {@code <stateRoot>/asl-host/domains/<id>/admission/}
     * ({@code dam.cbor}, {@code dam.sig}) and the root that signed it as {@code auth/root.pub}.
     */
    public static Path writeAdmission(Path stateRoot, AdmissionRecord record, SigningKey root) {
        Path dir = stateRoot.resolve(Trust.admissionDir(record.domain()));
        Signed s = admission(record, root);
        write(dir.resolve(Trust.ADMISSION_FILE), s.content());
        write(dir.resolve(Trust.ADMISSION_SIGNATURE_FILE), s.signature());
        write(dir.resolveSibling("auth").resolve("root.pub"), Ed25519.toPem(root.publicKey()));
        return dir.resolve(Trust.ADMISSION_FILE);
    }

    /**
     * Writes an admission for {@code nx admit} into {@code dir} (on the update media): the record
     * ({@code dam.cbor}, {@code dam.sig}, signed by {@code root}) and a decision on it
     * ({@code admission-decision.cbor}, {@code admission-decision.sig}, signed by {@code decisionSigner},
     * which the device accepts only when it is a pinned root).
     */
    public static void writeAdmissionInput(Path dir, AdmissionRecord record, SigningKey root,
            AdmissionDecision.Outcome outcome, long sequence, SigningKey decisionSigner) {
        Signed dam = admission(record, root);
        byte[] decision = new AdmissionDecision(record.domain(), sequence, outcome, Sha256.of(dam.content())).encode();
        write(dir.resolve(Trust.ADMISSION_FILE), dam.content());
        write(dir.resolve(Trust.ADMISSION_SIGNATURE_FILE), dam.signature());
        write(dir.resolve(AdmissionDecision.FILE), decision);
        write(dir.resolve(AdmissionDecision.SIGNATURE_FILE), sign(decision, List.of(decisionSigner)));
    }

    /** Packs {@code .nxb} files into a signed system set; bundle names come from their manifests. */
    public static byte[] systemSet(List<Path> bundleFiles, Version version, String publisher, List<SigningKey> keys) {
        Map<String, byte[]> bundles = new TreeMap<>();
        Map<String, SystemIndex.BundleRef> byName = new TreeMap<>();
        for (Path file : bundleFiles) {
            byte[] bytes = readLarge(file, Bounds.BUNDLE_BYTES);
            BundleManifest m = Bundle.read(new ByteArrayInputStream(bytes), OutputStream.nullOutputStream());
            if (bundles.put(m.name(), bytes) != null) {
                throw new TrialbootException(Code.TAR_DUPLICATE_ENTRY, "two bundles are named " + m.name());
            }
            byName.put(m.name(), new SystemIndex.BundleRef(m.name(), m.version(), Sha256.of(bytes), bytes.length));
        }
        byte[] index = new SystemIndex(version, publisher, new ArrayList<>(byName.values())).encode();
        return SystemSet.pack(index, sign(index, keys), bundles);
    }

    /** The SHA-256 of a system set's {@code system.nxsindex} bytes, for a release manifest's {@code system_index}. */
    public static Sha256 systemIndexDigest(Path nxs) {
        try (InputStream in = Files.newInputStream(nxs)) {
            TarReader tar = new TarReader(in, Bounds.SYSTEM_SET_BYTES, Bounds.BUNDLE_BYTES);
            for (Optional<TarEntry> e = tar.next(); e.isPresent(); e = tar.next()) {
                if (e.get().name().equals(SystemSet.INDEX_ENTRY)) {
                    return Sha256.of(tar.readContent(Bounds.INDEX_BYTES));
                }
            }
            throw new TrialbootException(Code.SCHEMA_VIOLATION, nxs + " has no " + SystemSet.INDEX_ENTRY);
        } catch (IOException e) {
            throw IoFailure.reading(nxs, e);
        }
    }

    /** A delta artifact: the {@code .nxdelta} file, its path on the media, and the base image it applies to. */
    public record DeltaInput(Path file, String mediaPath, Path baseImage) {}

    /** What a release is made of; {@code fullPath} empty leaves the full image out (delta-only release). */
    public record ReleaseInput(Version version, Version minVersion, String compatible, Sha256 systemIndex,
            Sha256 policy, Path image, Optional<String> fullPath, List<DeltaInput> deltas) {
        public ReleaseInput {
            Objects.requireNonNull(image, "image");
            deltas = List.copyOf(deltas);
        }
    }

    /**
     * The release manifest for a slot image, signed by {@code keys}; the first key is the named signer.
     * Each delta is first applied over its base by the device's applier ({@link DeltaDryRun#apply}): one
     * that does not make the image is refused with the applier's code and nothing is signed.
     */
    public static Signed release(ReleaseInput in, List<SigningKey> keys) {
        Inputs.Measured image = measure(in.image(), Bounds.SLOT_IMAGE_BYTES);
        List<Artifact> artifacts = new ArrayList<>();
        in.fullPath().ifPresent(p -> artifacts.add(Artifact.full(p, image.sha256(), image.size())));
        Optional<VerityParams> verity = verity(in.image());
        for (DeltaInput d : in.deltas()) {
            Inputs.Measured delta = measure(d.file(), Bounds.SLOT_IMAGE_BYTES);
            Inputs.Measured base = measure(d.baseImage(), Bounds.SLOT_IMAGE_BYTES);
            SlotImage baseImage = Artifact.image(base.sha256(), base.size());
            try {
                DeltaDryRun.apply(d.file(), Artifact.image(delta.sha256(), delta.size()), d.baseImage(), baseImage,
                        Artifact.image(image.sha256(), image.size()), verity);
            } catch (TrialbootException e) {
                throw new TrialbootException(e.code(), "delta " + d.file() + " over " + d.baseImage() + " does not make "
                        + in.image() + ", nothing signed: " + e.detail(), e);
            }
            artifacts.add(Artifact.delta(d.mediaPath(), delta.sha256(), delta.size(), baseImage));
        }
        ReleaseManifest m = new ReleaseManifest(in.version(), in.minVersion(), in.compatible(), keys.get(0).keyId(),
                Artifact.image(image.sha256(), image.size()), in.systemIndex(), in.policy(), artifacts, verity);
        byte[] bytes = m.encode();
        return new Signed(bytes, sign(bytes, keys));
    }

    /** The verity parameters of an image that carries its tree, recomputed and checked against it. */
    private static Optional<VerityParams> verity(Path image) {
        try {
            return VerityImage.read(image);
        } catch (IOException e) {
            throw IoFailure.reading(image, e);
        }
    }

    /** A signed feed listing {@code manifests} (files under {@code updatesDir}), sorted deterministically. */
    public static Signed feed(String channel, Path updatesDir, List<Path> manifests, List<SigningKey> keys) {
        List<Feed.Entry> entries = new ArrayList<>();
        for (Path m : manifests) {
            byte[] bytes = Inputs.read(m, Bounds.MANIFEST_BYTES);
            String path = updatesDir.toAbsolutePath().normalize().relativize(m.toAbsolutePath().normalize()).toString();
            entries.add(new Feed.Entry(ReleaseManifest.decode(bytes).version(), path, Sha256.of(bytes), bytes.length));
        }
        entries.sort(Feed.ORDER);
        byte[] bytes = new Feed(channel, entries).encode();
        return new Signed(bytes, sign(bytes, keys));
    }

    /**
     * Compiles the authoring form {@code stable.json} to a signed feed:
     * {@code {"channel": "stable", "manifests": ["manifests/1.1.0.nxm", ...]}}, paths relative to {@code updatesDir}.
     */
    public static Signed compileFeed(Path json, Path updatesDir, List<SigningKey> keys) {
        Map<String, Object> doc = authoringObject(json);
        if (!(doc.get("channel") instanceof String channel) || !(doc.get("manifests") instanceof List<?> list)
                || doc.size() != 2) {
            throw new TrialbootException(Code.MALFORMED_INPUT, json + " must hold exactly \"channel\" (string) and"
                    + " \"manifests\" (array of paths relative to " + updatesDir + ")");
        }
        List<Path> manifests = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String p)) {
                throw new TrialbootException(Code.MALFORMED_INPUT, json + ": \"manifests\" holds a non-string");
            }
            manifests.add(updatesDir.resolve(ArchivePath.check(p)));
        }
        return feed(channel, updatesDir, manifests, keys);
    }

    /** Reads system-set metadata {@code {"version": "1.0.0", "publisher": "..."}}. */
    static Map.Entry<Version, String> systemMeta(Path json) {
        Map<String, Object> doc = authoringObject(json);
        if (!(doc.get("version") instanceof String v) || !(doc.get("publisher") instanceof String p) || doc.size() != 2) {
            throw new TrialbootException(Code.MALFORMED_INPUT, json
                    + " must hold exactly \"version\" and \"publisher\" (strings)");
        }
        return Map.entry(Version.parse(v), p);
    }

    /** Reads a small JSON authoring file with the device records' reader (whitespace allowed, no duplicate keys). */
    private static Map<String, Object> authoringObject(Path json) {
        String text = new String(Inputs.read(json, Bounds.AUTHORING_BYTES), StandardCharsets.UTF_8);
        try {
            return Json.parseObject(text);
        } catch (TrialbootException e) {
            throw new TrialbootException(e.code(), json + ": " + e.detail(), e);
        }
    }

    static byte[] readLarge(Path file, long limit) {
        try {
            Bounds.check(file.toString(), Files.size(file), limit);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw IoFailure.reading(file, e);
        }
    }

    private static Inputs.Measured measure(Path file, long limit) {
        try (InputStream in = Files.newInputStream(file)) {
            return Inputs.measure(in, limit, file.toString());
        } catch (IOException e) {
            throw IoFailure.reading(file, e);
        }
    }

    /** Writes {@code file} beside and renamed ({@link DurableFiles#write}): the old bytes or the new, never half. */
    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw IoFailure.writing(file, e);
        }
        DurableFiles.write(file, bytes);
    }
}
