package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.verity.VerityParams;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an update installs ({@code <name>.nxm}, signed by {@code <name>.nxm.sig}). {@code image} is
 * the slot image the release produces; the full artifact is that image, each delta produces it from
 * its base. Every byte the device installs is bound to this one signed file through digests.
 *
 * <pre>
 * {"schema": "trialboot.manifest/1", "version": "1.1.0", "min_version": "1.0.0",
 *  "compatible": "trialboot-riscv64-virt", "signer": h'&lt;key id&gt;',
 *  "image": {"sha256": h'...', "size": 67108864},
 *  "system_index": h'&lt;sha256 of system.nxsindex&gt;', "policy": h'&lt;sha256&gt;',
 *  "artifacts": [{"kind": "full", "path": "images/1.1.0.img", "sha256": h'...', "size": 67108864},
 *                {"kind": "delta", "path": "deltas/1.0.0-1.1.0.nxdelta", "sha256": h'...', "size": 81234,
 *                 "base": {"sha256": h'...', "size": 67108864}}],
 *  "verity": {"algorithm": "sha256", "data_block_size": 4096, "hash_block_size": 4096,
 *             "data_size": 66592768, "tree_offset": 66592768, "salt": h'...', "root_hash": h'...'}}
 * </pre>
 * {@code verity} (present when the image carries its dm-verity tree, docs/verified-boot.md) signs
 * what a read-only verity mapping of the slot needs; the tree must end where the image ends.
 */
public record ReleaseManifest(Version version, Version minVersion, String compatible, KeyId signer,
        SlotImage image, Sha256 systemIndex, Sha256 policy, List<Artifact> artifacts,
        Optional<VerityParams> verity) {

    public static final String SCHEMA = "trialboot.manifest/1";

    public ReleaseManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(minVersion, "minVersion");
        Check.matches("compatible", compatible, AdmissionRecord.COMPATIBLE);
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(systemIndex, "systemIndex");
        Objects.requireNonNull(policy, "policy");
        artifacts = List.copyOf(artifacts);
        if (version.isBelow(minVersion)) {
            throw violation("min_version " + minVersion + " is above the version " + version);
        }
        if (artifacts.isEmpty()) {
            throw violation("release " + version + " has no artifact");
        }
        Bounds.check("release artifacts", artifacts.size(), Bounds.ARTIFACTS);
        Set<String> paths = new HashSet<>();
        Set<Sha256> bases = new HashSet<>();
        int fulls = 0;
        for (Artifact a : artifacts) {
            if (!paths.add(a.path())) {
                throw violation("artifact path " + a.path() + " appears twice");
            }
            if (a.kind() == Artifact.Kind.FULL) {
                fulls++;
                if (!a.sha256().equals(image.digest()) || a.size() != image.size()) {
                    throw violation("full artifact " + a.path() + " is not the release image");
                }
            } else if (!bases.add(a.base().orElseThrow().digest())) {
                throw violation("two deltas apply to the same base " + a.base().orElseThrow().digest());
            }
        }
        if (fulls > 1) {
            throw violation("release " + version + " has more than one full artifact");
        }
        Objects.requireNonNull(verity, "verity");
        if (verity.isPresent() && verity.get().treeOffset() + verity.get().treeSize() != image.size()) {
            throw violation("the verity tree (" + verity.get().treeSize() + " bytes at " + verity.get().treeOffset()
                    + ") does not end where the image (" + image.size() + " bytes) ends");
        }
    }

    /** A release whose image carries no verity tree. */
    public ReleaseManifest(Version version, Version minVersion, String compatible, KeyId signer, SlotImage image,
            Sha256 systemIndex, Sha256 policy, List<Artifact> artifacts) {
        this(version, minVersion, compatible, signer, image, systemIndex, policy, artifacts, Optional.empty());
    }

    private static TrialbootException violation(String message) {
        return new TrialbootException(Code.SCHEMA_VIOLATION, "release manifest: " + message);
    }

    public byte[] encode() {
        List<CborValue> items = new ArrayList<>();
        for (Artifact a : artifacts) {
            Cbor.MapBuilder m = Cbor.map().put("kind", a.kind().text()).put("path", a.path())
                    .put("sha256", a.sha256().bytes()).put("size", a.size());
            a.base().ifPresent(b -> m.put("base", image(b)));
            items.add(m.build());
        }
        Cbor.MapBuilder top = Cbor.map();
        verity.ifPresent(v -> top.put("verity", Cbor.map().put("algorithm", v.algorithm())
                .put("data_block_size", v.dataBlockSize()).put("hash_block_size", v.hashBlockSize())
                .put("data_size", v.dataSize()).put("tree_offset", v.treeOffset())
                .put("salt", v.salt().bytes()).put("root_hash", v.rootHash().bytes()).build()));
        return Cbor.encode(top
                .put("schema", SCHEMA)
                .put("version", version.toString())
                .put("min_version", minVersion.toString())
                .put("compatible", compatible)
                .put("signer", signer.bytes())
                .put("image", image(image))
                .put("system_index", systemIndex.bytes())
                .put("policy", policy.bytes())
                .put("artifacts", items)
                .build());
    }

    private static CborValue image(SlotImage i) {
        return Cbor.map().put("sha256", i.digest().bytes()).put("size", i.size()).build();
    }

    private static SlotImage image(Fields f) {
        SlotImage i = Artifact.image(Check.sha256(f, "sha256"), f.uint("size"));
        f.end();
        return i;
    }

    public static ReleaseManifest decode(byte[] bytes) {
        Bounds.check("release manifest", bytes.length, Bounds.MANIFEST_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "release manifest").schema(SCHEMA);
        List<Artifact> artifacts = new ArrayList<>();
        for (CborValue v : f.array("artifacts", Bounds.ARTIFACTS)) {
            Fields a = Fields.of(v, "release manifest artifact");
            Artifact.Kind kind = Artifact.Kind.parse(a.text("kind"));
            String path = a.text("path");
            Sha256 sha = Check.sha256(a, "sha256");
            long size = a.uint("size");
            artifacts.add(kind == Artifact.Kind.FULL ? Artifact.full(path, sha, size)
                    : Artifact.delta(path, sha, size, image(a.map("base"))));
            a.end();
        }
        ReleaseManifest m = new ReleaseManifest(Check.version(f, "version"), Check.version(f, "min_version"),
                f.text("compatible"), new KeyId(f.bytes("signer", KeyId.LENGTH)), image(f.map("image")),
                Check.sha256(f, "system_index"), Check.sha256(f, "policy"), artifacts,
                f.has("verity") ? Optional.of(verity(f.map("verity"))) : Optional.empty());
        f.end();
        return m;
    }

    private static VerityParams verity(Fields v) {
        VerityParams p = new VerityParams(v.text("algorithm"), (int) Math.min(v.uint("data_block_size"), Integer.MAX_VALUE),
                (int) Math.min(v.uint("hash_block_size"), Integer.MAX_VALUE), v.uint("data_size"), v.uint("tree_offset"),
                Check.sha256(v, "salt"), Check.sha256(v, "root_hash"));
        v.end();
        return p;
    }
}
