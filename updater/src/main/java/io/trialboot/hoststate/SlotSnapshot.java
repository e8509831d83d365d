package io.trialboot.hoststate;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code snapshots/slot-<a|b>.json}: what is installed in one slot, bound to the history log by the
 * sequence number of the entry that sealed it (seed 003 §11: "log sequence boundary").
 */
public record SlotSnapshot(Slot slot, Version version, Sha256 imageDigest, long imageSize, long logSeq) {
    public static final String SCHEMA = "trialboot.snapshot/1";
    private static final List<String> FIELDS = List.of("schema", "slot", "version", "image_sha256", "image_size",
            "log_seq");

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
        return (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static SlotSnapshot decode(byte[] bytes) {
        Bounds.check("snapshot record", bytes.length, Bounds.RECORD_BYTES);
        Map<String, Object> m = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
        if (!List.copyOf(m.keySet()).equals(FIELDS) || !SCHEMA.equals(m.get("schema"))) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "snapshot record must be " + SCHEMA + " with " + FIELDS);
        }
        try {
            return new SlotSnapshot(Slot.parse(Json.string(m, "slot")), Version.parse(Json.string(m, "version")),
                    Sha256.parse(Json.string(m, "image_sha256")), Json.number(m, "image_size"),
                    Json.number(m, "log_seq"));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "snapshot record: " + e.getMessage());
        }
    }
}
