package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.BOUNDS;
import static io.trialboot.image.HostileCorpus.AttackClass.MALFORMED_ENCODING;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.field;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.deltaRelease;
import static io.trialboot.image.HostileReleases.editArtifact;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.full;
import static io.trialboot.image.HostileReleases.goodFeed;
import static io.trialboot.image.HostileReleases.sha;
import static io.trialboot.image.HostileReleases.v;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.Ctx;
import io.trialboot.tools.Signed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Hostile cases on well-formed CBOR that breaks a format's schema (fields missing, unknown, mistyped or
 * inconsistent) or one of its bounds (sizes and counts over a hard limit).
 */
final class SchemaCases {
    private SchemaCases() {}

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.add(edited("schema-missing-field", Code.SCHEMA_VIOLATION, "v1.1.0's manifest without its policy", m -> {
            m.remove("policy");
            return m;
        }));
        all.add(edited("schema-unknown-field", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with an extra field 'hook'",
                m -> with(m, "hook", text("/bin/sh"))));
        all.add(edited("schema-wrong-type", Code.SCHEMA_VIOLATION, "v1.1.0's manifest whose version is a number",
                m -> with(m, "version", new CborValue.UInt(110))));
        all.add(edited("schema-bad-version", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with version '1.1'",
                m -> with(m, "version", text("1.1"))));
        all.add(edited("schema-short-digest", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with a 31-byte policy digest",
                m -> with(m, "policy", new CborValue.Bytes(new byte[31]))));
        all.add(edited("schema-min-above-version", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with min_version 2.0.0",
                m -> with(m, "min_version", text("2.0.0"))));
        all.add(edited("schema-no-artifacts", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with an empty artifact list",
                m -> with(m, "artifacts", new CborValue.Array(List.of()))));
        all.add(edited("schema-v2", Code.SCHEMA_MISMATCH, "v1.1.0's manifest claiming schema trialboot.manifest/2",
                m -> with(m, "schema", text("trialboot.manifest/2"))));
        all.add(edited("schema-compatible-chars", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest whose compatible holds a space and a slash",
                m -> with(m, "compatible", text("trialboot riscv64/virt"))));
        all.add(host("artifact-kind-unknown", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "v1.1.0's full artifact of kind 'patch'", c -> c.manifest(editArtifact(c, a -> with(a, "kind", text("patch"))))));
        all.add(host("two-full-artifacts", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest with its full artifact listed twice under two paths", c -> c.manifest(
                        HostileReleases.editedHealthy(c.in(), m -> {
                            CborValue.CMap a = (CborValue.CMap) ((CborValue.Array) m.get("artifacts")).items().get(0);
                            Map<String, CborValue> b = new LinkedHashMap<>(a.entries());
                            b.put("path", text("releases/1.1.0/copy.img"));
                            return with(m, "artifacts", new CborValue.Array(List.of(a, new CborValue.CMap(b))));
                        }))));
        all.add(guest("zero-size-image", MALFORMED_ENCODING, Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest whose image and full artifact are 0 bytes, validly signed", c -> c.manifest(
                        HostileReleases.editedHealthy(c.in(), m -> editFirst(with(m, "image", zeroSize(m.get("image"))),
                                "artifacts", SchemaCases::zeroSize)))));
        all.add(host("zero-size-delta", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "a validly signed delta-only v1.1.0 whose delta artifact is 0 bytes",
                c -> c.manifest(zeroSizeDelta(c, SchemaCases::zeroSize))));
        all.add(host("zero-size-delta-base", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "a validly signed delta-only v1.1.0 whose delta names a base image of 0 bytes",
                c -> c.manifest(zeroSizeDelta(c, a -> {
                    Map<String, CborValue> d = new LinkedHashMap<>(((CborValue.CMap) a).entries());
                    d.put("base", zeroSize(d.get("base")));
                    return new CborValue.CMap(d);
                }))));
        all.add(guest("oversize", BOUNDS, Code.HOST_INPUT_OVERSIZE,
                "a manifest of " + (Bounds.MANIFEST_BYTES + 1) + " bytes, one over the manifest bound, validly signed",
                c -> c.manifest(HostileReleases.rawHealthy(c.in(), b -> Arrays.copyOf(b, Bounds.MANIFEST_BYTES + 1)))));
        all.add(host("signature-oversize", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest with a .sig of " + (Bounds.SIGNATURE_BYTES + 1) + " bytes",
                c -> c.manifest(healthy(c.in()).content(), Arrays.copyOf(healthy(c.in()).signature(), Bounds.SIGNATURE_BYTES + 1))));
        all.add(host("feed-oversize", BOUNDS, FEED, Code.HOST_INPUT_OVERSIZE,
                "a validly signed feed of " + (Bounds.FEED_BYTES + 1) + " bytes", c -> {
                    byte[] big = Arrays.copyOf(goodFeed(c).content(), Bounds.FEED_BYTES + 1);
                    c.feed(sign(big, c.release()));
                }));
        all.add(edited("string-over-bound", Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest with a compatible string of " + (Bounds.CBOR_MAX_STRING + 1) + " bytes",
                m -> with(m, "compatible", text("a".repeat(Bounds.CBOR_MAX_STRING + 1)))));
        all.add(host("too-many-artifacts", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest listing " + (Bounds.ARTIFACTS + 1) + " artifacts", c -> c.manifest(
                        HostileReleases.editedHealthy(c.in(), m -> {
                            CborValue.CMap a = (CborValue.CMap) ((CborValue.Array) m.get("artifacts")).items().get(0);
                            List<CborValue> many = new ArrayList<>();
                            for (int i = 0; i <= Bounds.ARTIFACTS; i++) {
                                Map<String, CborValue> b = new LinkedHashMap<>(a.entries());
                                b.put("path", text("releases/1.1.0/copy" + i + ".img"));
                                many.add(new CborValue.CMap(b));
                            }
                            return with(m, "artifacts", new CborValue.Array(many));
                        }))));
        all.add(host("image-over-slot", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "a validly signed release whose image is " + Bounds.SLOT_IMAGE_BYTES + " bytes, larger than the slot", c -> {
                    SlotImage big = Artifact.image(sha("big"), Bounds.SLOT_IMAGE_BYTES);
                    c.manifest(HostileReleases.manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE, big,
                            c.in().policy(), List.of(Artifact.full(c.own("big.img"), big.digest(), big.size())), c.release()));
                }));
        all.add(edited("image-over-format-bound", Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest whose image is one byte over the format's bound", m -> {
                    Map<String, CborValue> img = new LinkedHashMap<>(((CborValue.CMap) m.get("image")).entries());
                    img.put("size", new CborValue.UInt(Bounds.SLOT_IMAGE_BYTES + 1));
                    return with(m, "image", new CborValue.CMap(img));
                }));
        all.add(edited("manifest-verity-tree-beyond-image", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest signing verity parameters whose tree does not end where the image ends",
                m -> with(m, "verity", verity("sha256", 8192))));
        all.add(edited("manifest-verity-sha1", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest signing verity parameters with the algorithm sha1",
                m -> with(m, "verity", verity("sha1", 4096))));
        all.add(host("feed-too-many-entries", BOUNDS, FEED, Code.HOST_INPUT_OVERSIZE,
                "a signed feed listing " + (Bounds.FEED_ENTRIES + 1) + " entries", c -> c.feed(sign(
                        HostileFiles.edit(goodFeed(c).content(), m -> {
                            CborValue first = ((CborValue.Array) m.get("entries")).items().get(0);
                            return with(m, "entries", new CborValue.Array(Collections.nCopies(Bounds.FEED_ENTRIES + 1, first)));
                        }), c.release()))));
        all.add(host("feed-unsorted", MALFORMED_ENCODING, FEED, Code.SCHEMA_VIOLATION,
                "a signed feed whose entries are in reverse version order", c -> c.feed(sign(
                        HostileFiles.edit(goodFeed(c).content(), m -> {
                            List<CborValue> r = new ArrayList<>(((CborValue.Array) m.get("entries")).items());
                            Collections.reverse(r);
                            return with(m, "entries", new CborValue.Array(r));
                        }), c.release()))));
        return all;
    }

    private static Case edited(String id, Code code, String what, UnaryOperator<Map<String, CborValue>> e) {
        AttackClass a = code == Code.HOST_INPUT_OVERSIZE ? BOUNDS : MALFORMED_ENCODING;
        return host(id, a, INSTALL, code, what, c -> c.manifest(HostileReleases.editedHealthy(c.in(), e)));
    }

    /** A CBOR map (an image or artifact) with its {@code size} set to 0. */
    private static CborValue zeroSize(CborValue map) {
        Map<String, CborValue> e = new LinkedHashMap<>(((CborValue.CMap) map).entries());
        e.put("size", new CborValue.UInt(0));
        return new CborValue.CMap(e);
    }

    /** {@code m} with the first item of its array {@code key} edited. */
    private static Map<String, CborValue> editFirst(Map<String, CborValue> m, String key, UnaryOperator<CborValue> e) {
        List<CborValue> items = new ArrayList<>(((CborValue.Array) m.get(key)).items());
        items.set(0, e.apply(items.get(0)));
        return with(m, key, new CborValue.Array(items));
    }

    /** A delta-only v1.1.0 release from the factory image, its delta artifact edited after encoding, signed again. */
    private static Signed zeroSizeDelta(Ctx c, UnaryOperator<CborValue> e) {
        Signed d = deltaRelease(c, Artifact.image(sha("unused delta"), 4096), c.own("none.nxdelta"),
                HostileReleases.image(c.in().image(Fixture.FACTORY)));
        return sign(HostileFiles.edit(d.content(), m -> editFirst(m, "artifacts", e)), c.release());
    }

    /** A signed-manifest {@code verity} map over 4096 bytes of data with its tree at {@code treeOffset}. */
    private static CborValue verity(String algorithm, long treeOffset) {
        return Cbor.map().put("algorithm", algorithm).put("data_block_size", 4096).put("hash_block_size", 4096)
                .put("data_size", 4096).put("tree_offset", treeOffset).put("salt", sha("salt").bytes())
                .put("root_hash", sha("root").bytes()).build();
    }
}
