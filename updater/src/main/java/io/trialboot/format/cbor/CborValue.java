package io.trialboot.format.cbor;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The CBOR items trialboot's signed metadata uses: unsigned integers, byte strings, UTF-8 text,
 * arrays, maps with text keys, and booleans. Nothing else is decoded (see {@link Cbor}).
 */
public sealed interface CborValue {

    /** A major type 0 integer, 0 to {@link Long#MAX_VALUE}. */
    record UInt(long value) implements CborValue {
        public UInt {
            if (value < 0) {
                throw new IllegalArgumentException("unsigned integer must not be negative: " + value);
            }
        }
    }

    /** A definite-length byte string. */
    record Bytes(byte[] value) implements CborValue {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "h'" + HexFormat.of().formatHex(value) + "'";
        }
    }

    record Text(String value) implements CborValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    record Array(List<CborValue> items) implements CborValue {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** A map with text keys; iteration follows the canonical key order. */
    record CMap(Map<String, CborValue> entries) implements CborValue {
        public CMap {
            entries = Encoder.canonicalOrder(entries);
        }
    }

    record Bool(boolean value) implements CborValue {}
}
