package io.trialboot.format.cbor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Writes the core deterministic encoding. */
final class Encoder {
    private Encoder() {}

    static byte[] encode(CborValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    private static void write(CborValue value, ByteArrayOutputStream out) {
        // Java 17: no pattern switch, so an instanceof chain over the sealed hierarchy.
        if (value instanceof CborValue.UInt u) {
            head(0, u.value(), out);
        } else if (value instanceof CborValue.Bytes b) {
            byte[] v = b.value();
            head(2, v.length, out);
            out.writeBytes(v);
        } else if (value instanceof CborValue.Text t) {
            byte[] v = t.value().getBytes(StandardCharsets.UTF_8);
            head(3, v.length, out);
            out.writeBytes(v);
        } else if (value instanceof CborValue.Array a) {
            head(4, a.items().size(), out);
            a.items().forEach(item -> write(item, out));
        } else if (value instanceof CborValue.CMap m) {
            head(5, m.entries().size(), out);
            m.entries().forEach((k, v) -> {
                write(new CborValue.Text(k), out);
                write(v, out);
            });
        } else {
            out.write(((CborValue.Bool) value).value() ? 0xf5 : 0xf4);
        }
    }

    /** The shortest head for {@code major} and argument {@code n} (RFC 8949 §4.2.1). */
    static void head(int major, long n, ByteArrayOutputStream out) {
        int mt = major << 5;
        if (n < 24) {
            out.write(mt | (int) n);
        } else if (n <= 0xff) {
            out.write(mt | 24);
            out.write((int) n);
        } else if (n <= 0xffff) {
            out.write(mt | 25);
            writeBig(n, 2, out);
        } else if (n <= 0xffff_ffffL) {
            out.write(mt | 26);
            writeBig(n, 4, out);
        } else {
            out.write(mt | 27);
            writeBig(n, 8, out);
        }
    }

    private static void writeBig(long n, int bytes, ByteArrayOutputStream out) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (n >>> (8 * i)));
        }
    }

    static byte[] encodedKey(String key) {
        return encode(new CborValue.Text(key));
    }

    /** Map keys in canonical order: bytewise lexicographic order of their encodings. */
    static Map<String, CborValue> canonicalOrder(Map<String, CborValue> entries) {
        List<String> keys = new ArrayList<>(entries.keySet());
        keys.sort((x, y) -> Arrays.compareUnsigned(encodedKey(x), encodedKey(y)));
        LinkedHashMap<String, CborValue> sorted = new LinkedHashMap<>();
        for (String k : keys) {
            sorted.put(k, Objects.requireNonNull(entries.get(k), k));
        }
        return Collections.unmodifiableMap(sorted);
    }

    static void diagnostic(CborValue value, StringBuilder sb, String indent) {
        String inner = indent + "  ";
        if (value instanceof CborValue.UInt u) {
            sb.append(u.value());
        } else if (value instanceof CborValue.Bytes b) {
            sb.append(b);
        } else if (value instanceof CborValue.Text t) {
            sb.append('"').append(t.value().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        } else if (value instanceof CborValue.Bool b) {
            sb.append(b.value());
        } else if (value instanceof CborValue.Array a) {
            sb.append('[');
            for (int i = 0; i < a.items().size(); i++) {
                sb.append(i == 0 ? "\n" : ",\n").append(inner);
                diagnostic(a.items().get(i), sb, inner);
            }
            sb.append(a.items().isEmpty() ? "]" : "\n" + indent + "]");
        } else {
            CborValue.CMap m = (CborValue.CMap) value;
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, CborValue> e : m.entries().entrySet()) {
                sb.append(first ? "\n" : ",\n").append(inner).append('"').append(e.getKey()).append("\": ");
                diagnostic(e.getValue(), sb, inner);
                first = false;
            }
            sb.append(m.entries().isEmpty() ? "}" : "\n" + indent + "}");
        }
    }
}
