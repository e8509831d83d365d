package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.verity.VerityParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code snapshots/slot-<a|b>.json}: what is installed in one slot, with what seed 003 §11 asks of
 * snapshot metadata for a deterministic replay: the log sequence boundary ({@code log_seq}, the
 * history entry that sealed it) and the segment set, the sealed inputs its bytes are made of (the
 * image itself for a full install or the factory image; the base image and the delta for a delta,
 * with the image they produce), and the dm-verity parameters signed for the image ({@code verity},
 * the release manifest's {@code verity} map with the root hash; null for an image without a tree),
 * against which {@code nx selfcheck --deep} recomputes the slot's root hash from its data.
 */
public record SlotSnapshot(Slot slot, Version version, Sha256 imageDigest, long imageSize, long logSeq,
        List<Segment> segments, Optional<VerityParams> verity) {
    public static final String SCHEMA = "trialboot.snapshot/2";
    private static final List<String> FIELDS = List.of("schema", "slot", "version", "image_sha256", "image_size",
            "log_seq", "segments", "verity");
    private static final List<String> VERITY_FIELDS = List.of("algorithm", "data_block_size", "hash_block_size",
            "data_size", "tree_offset", "salt", "root_hash");

    /** What a segment is to the slot. */
    public enum Role {
        /** The image as installed (a full artifact, or the factory image). */
        IMAGE,
        /** The image a delta was applied to (the active slot at the time). */
        BASE,
        /** The {@code .nxdelta} that produced the image from the base. */
        DELTA;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One sealed input, named by digest and size. */
    public record Segment(Role role, Sha256 sha256, long size) {
        public Segment {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(sha256, "sha256");
            if (size <= 0) {
                throw new IllegalArgumentException("segment size must be positive: " + size);
            }
        }
    }

    public SlotSnapshot {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(imageDigest, "imageDigest");
        if (imageSize <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + imageSize);
        }
        if (logSeq < 0) {
            throw new IllegalArgumentException("log seq must not be negative: " + logSeq);
        }
        segments = List.copyOf(segments);
        List<Role> roles = segments.stream().map(Segment::role).toList();
        if (!roles.equals(List.of(Role.IMAGE)) && !roles.equals(List.of(Role.BASE, Role.DELTA, Role.IMAGE))) {
            throw new IllegalArgumentException("segments must be [image] or [base, delta, image], not " + roles);
        }
        Segment image = segments.get(segments.size() - 1);
        if (!image.sha256().equals(imageDigest) || image.size() != imageSize) {
            throw new IllegalArgumentException("the image segment is not the slot's image");
        }
        Objects.requireNonNull(verity, "verity");
        if (verity.isPresent() && verity.get().treeOffset() + verity.get().treeSize() != imageSize) {
            throw new IllegalArgumentException("the verity tree does not end where the image ends");
        }
    }

    /** A slot holding an image installed whole (full artifact or factory image): its one segment is the image. */
    public static SlotSnapshot whole(Slot slot, Version version, Sha256 imageDigest, long imageSize, long logSeq) {
        return new SlotSnapshot(slot, version, imageDigest, imageSize, logSeq,
                List.of(new Segment(Role.IMAGE, imageDigest, imageSize)), Optional.empty());
    }

    /** A slot holding the image a delta produced from {@code base}. */
    public static SlotSnapshot fromDelta(Slot slot, Version version, Segment base, Segment delta, Sha256 imageDigest,
            long imageSize, long logSeq) {
        return new SlotSnapshot(slot, version, imageDigest, imageSize, logSeq,
                List.of(base, delta, new Segment(Role.IMAGE, imageDigest, imageSize)), Optional.empty());
    }

    /** The same record with the verity parameters signed for its image (empty: the image carries no tree). */
    public SlotSnapshot withVerity(Optional<VerityParams> signed) {
        return new SlotSnapshot(slot, version, imageDigest, imageSize, logSeq, segments, signed);
    }

    /** The id {@code domain.json} uses in {@code current_snapshot}: {@code slot-a@<12 hex>}. */
    public String id() {
        return "slot-" + slot.letter() + "@" + imageDigest.shortHex();
    }

    static String fileName(Slot slot) {
        return "slot-" + slot.letter() + ".json";
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("slot", slot.letter());
        m.put("version", version.toString());
        m.put("image_sha256", imageDigest.hex());
        m.put("image_size", imageSize);
        m.put("log_seq", logSeq);
        List<Object> segs = new ArrayList<>();
        for (Segment s : segments) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("role", s.role().text());
            e.put("sha256", s.sha256().hex());
            e.put("size", s.size());
            segs.add(e);
        }
        m.put("segments", segs);
        m.put("verity", verity.map(SlotSnapshot::verityMap).orElse(null));
        return Json.line(m);
    }

    public static SlotSnapshot decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("snapshot record", bytes);
        if (!List.copyOf(m.keySet()).equals(FIELDS) || !SCHEMA.equals(m.get("schema"))
                || !(m.get("segments") instanceof List<?> segs)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "snapshot record must be " + SCHEMA + " with " + FIELDS);
        }
        try {
            List<Segment> segments = new ArrayList<>();
            for (Object o : segs) {
                segments.add(segment(o));
            }
            return new SlotSnapshot(Slot.parse(Json.string(m, "slot")), Version.parse(Json.string(m, "version")),
                    Sha256.parse(Json.string(m, "image_sha256")), Json.number(m, "image_size"),
                    Json.number(m, "log_seq"), segments,
                    m.get("verity") == null ? Optional.empty() : Optional.of(verity(m.get("verity"))));
        } catch (IllegalArgumentException | TrialbootException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "snapshot record: " + e.getMessage());
        }
    }

    private static Map<String, Object> verityMap(VerityParams v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", v.algorithm());
        m.put("data_block_size", (long) v.dataBlockSize());
        m.put("hash_block_size", (long) v.hashBlockSize());
        m.put("data_size", v.dataSize());
        m.put("tree_offset", v.treeOffset());
        m.put("salt", v.salt().hex());
        m.put("root_hash", v.rootHash().hex());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static VerityParams verity(Object o) {
        if (!(o instanceof Map<?, ?> raw) || !List.copyOf(raw.keySet()).equals(VERITY_FIELDS)) {
            throw new IllegalArgumentException("verity is null or " + VERITY_FIELDS);
        }
        Map<String, Object> v = (Map<String, Object>) raw;
        return new VerityParams(Json.string(v, "algorithm"), (int) Math.min(Json.number(v, "data_block_size"), 1 << 20),
                (int) Math.min(Json.number(v, "hash_block_size"), 1 << 20), Json.number(v, "data_size"),
                Json.number(v, "tree_offset"), Sha256.parse(Json.string(v, "salt")),
                Sha256.parse(Json.string(v, "root_hash")));
    }

    @SuppressWarnings("unchecked")
    private static Segment segment(Object o) {
        if (!(o instanceof Map<?, ?> raw) || !List.copyOf(raw.keySet()).equals(List.of("role", "sha256", "size"))) {
            throw new IllegalArgumentException("a segment is {role, sha256, size}");
        }
        Map<String, Object> s = (Map<String, Object>) raw;
        String role = Json.string(s, "role");
        // A loop, not a stream: every boot reads the snapshot, and findFirst's lambdas are spun at run time.
        for (Role r : Role.values()) {
            if (r.text().equals(role)) {
                return new Segment(r, Sha256.parse(Json.string(s, "sha256")), Json.number(s, "size"));
            }
        }
        throw new IllegalArgumentException("segment role '" + role + "' is not image, base or delta");
    }
}
