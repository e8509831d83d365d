package io.trialboot.core;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset the device's records use: objects (field order kept), arrays, strings,
 * integers, booleans and null. One line, no insignificant whitespace, so the same record always
 * gives the same bytes (the history chain hashes them). Kept here rather than a library to keep
 * the guest's class count low.
 */
public final class Json {
    private Json() {}

    /** A state record's bytes: its object on one line, UTF-8, ending with a newline. */
    public static byte[] line(Map<String, Object> record) {
        return (write(record) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A state record's object, its bytes ({@code what}) checked against {@link Bounds#RECORD_BYTES} before parsing. */
    public static Map<String, Object> parseRecord(String what, byte[] bytes) {
        Bounds.check(what, bytes.length, Bounds.RECORD_BYTES);
        return parseObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Encodes a value built from {@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean} and null. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, (String) e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one JSON value; objects come back as insertion-ordered maps, integers as {@link Long}. */
    public static Object parse(String text) {
        JsonParser p = new JsonParser(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (!p.atEnd()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    /** Parses a JSON object; anything else is {@link Code#MALFORMED_INPUT}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "expected a JSON object");
        }
        return (Map<String, Object>) v;
    }

    /** A required string field. */
    public static String string(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (!(v instanceof String s)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "field '" + key + "' must be a string");
        }
        return s;
    }

    /** A string field that may be null. */
    public static String nullableString(Map<String, Object> o, String key) {
        if (!o.containsKey(key)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "field '" + key + "' is missing");
        }
        Object v = o.get(key);
        return v == null ? null : string(o, key);
    }

    /** A required integer field. */
    public static long number(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (!(v instanceof Long n)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "field '" + key + "' must be an integer");
        }
        return n;
    }
}
