package io.trialboot.format.cbor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * RFC 8949 core deterministic CBOR, restricted to the items of {@link CborValue}.
 *
 * <p>{@link #encode} writes the one canonical form (shortest integer heads, definite lengths,
 * map keys sorted by their encoded bytes). {@link #decode} accepts only that form: every other
 * encoding of the same value, trailing bytes, indefinite lengths, duplicate keys, nesting deeper
 * than {@link io.trialboot.core.Bounds#CBOR_MAX_DEPTH} and lengths beyond the input or a bound are
 * rejected with their own {@link io.trialboot.core.Code}. So a signature over the bytes is a
 * signature over the value: no two encodings of one value verify.
 */
public final class Cbor {
    private Cbor() {}

    /** Starts a map; keys may be put in any order, the encoding sorts them. */
    public static MapBuilder map() {
        return new MapBuilder();
    }

    /** Builds a {@link CborValue.CMap} from Java values (String, long, byte[], lists of items, CborValue). */
    public static final class MapBuilder {
        private final Map<String, CborValue> entries = new LinkedHashMap<>();

        private MapBuilder() {}

        public MapBuilder put(String key, CborValue value) {
            if (entries.put(key, Objects.requireNonNull(value, key)) != null) {
                throw new IllegalArgumentException("duplicate key " + key);
            }
            return this;
        }

        public MapBuilder put(String key, String value) {
            return put(key, new CborValue.Text(value));
        }

        public MapBuilder put(String key, long value) {
            return put(key, new CborValue.UInt(value));
        }

        public MapBuilder put(String key, byte[] value) {
            return put(key, new CborValue.Bytes(value));
        }

        public MapBuilder put(String key, List<? extends CborValue> items) {
            return put(key, new CborValue.Array(List.copyOf(items)));
        }

        public CborValue.CMap build() {
            return new CborValue.CMap(entries);
        }
    }

    public static byte[] encode(CborValue value) {
        return Encoder.encode(value);
    }

    /** Decodes exactly one canonical item filling {@code bytes}. */
    public static CborValue decode(byte[] bytes) {
        return new Decoder(bytes).decodeTop();
    }

    /** A readable dump in CBOR diagnostic notation (RFC 8949 §8), for {@code trialboot inspect}. */
    public static String diagnostic(CborValue value) {
        StringBuilder sb = new StringBuilder();
        Encoder.diagnostic(value, sb, "");
        return sb.toString();
    }
}
