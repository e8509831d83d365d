package io.trialboot.format.cbor;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed, strict access to a decoded CBOR map: every field is required unless read with an
 * {@code optional} method, has exactly one type, and {@link #end()} rejects fields nobody read.
 * Every violation is {@link Code#SCHEMA_VIOLATION} naming the document and the field.
 */
public final class Fields {
    private final CborValue.CMap map;
    private final String what;
    private final Set<String> read = new HashSet<>();

    private Fields(CborValue.CMap map, String what) {
        this.map = map;
        this.what = what;
    }

    /** {@code value} must be a map; {@code what} names it in error messages. */
    public static Fields of(CborValue value, String what) {
        if (!(value instanceof CborValue.CMap m)) {
            throw violation(what + " is not a CBOR map");
        }
        return new Fields(m, what);
    }

    /** Checks the {@code schema} field first, so a wrong document type is reported as such. */
    public Fields schema(String expected) {
        CborValue v = map.entries().get("schema");
        read.add("schema");
        if (!(v instanceof CborValue.Text t)) {
            throw new TrialbootException(Code.SCHEMA_MISMATCH, what + " has no schema id (expected " + expected + ")");
        }
        if (!t.value().equals(expected)) {
            throw new TrialbootException(Code.SCHEMA_MISMATCH,
                    what + " has schema '" + t.value() + "', expected '" + expected + "'");
        }
        return this;
    }

    public String text(String key) {
        return as(key, CborValue.Text.class, "a text string").value();
    }

    public long uint(String key) {
        return as(key, CborValue.UInt.class, "an unsigned integer").value();
    }

    /** A byte string of exactly {@code length} bytes. */
    public byte[] bytes(String key, int length) {
        byte[] b = as(key, CborValue.Bytes.class, "a byte string").value();
        if (b.length != length) {
            throw violation(what + " field '" + key + "' has " + b.length + " bytes, expected " + length);
        }
        return b;
    }

    public boolean has(String key) {
        return map.entries().containsKey(key);
    }

    /** An array of at most {@code maxItems} items; exceeding it is {@link Code#HOST_INPUT_OVERSIZE}. */
    public List<CborValue> array(String key, int maxItems) {
        List<CborValue> items = as(key, CborValue.Array.class, "an array").items();
        Bounds.check(what + " field '" + key + "'", items.size(), maxItems);
        return items;
    }

    public Fields map(String key) {
        return new Fields(as(key, CborValue.CMap.class, "a map"), what + "." + key);
    }

    /** Rejects any field that was not read. */
    public void end() {
        for (String key : map.entries().keySet()) {
            if (!read.contains(key)) {
                throw violation(what + " has an unknown field '" + key + "'");
            }
        }
    }

    /** A value check failed; {@code problem} says which field and why. */
    public TrialbootException invalid(String key, String problem) {
        return violation(what + " field '" + key + "' " + problem);
    }

    private <T extends CborValue> T as(String key, Class<T> type, String typeName) {
        read.add(key);
        CborValue v = map.entries().get(key);
        if (v == null) {
            throw violation(what + " lacks the field '" + key + "'");
        }
        if (!type.isInstance(v)) {
            throw violation(what + " field '" + key + "' is not " + typeName);
        }
        return type.cast(v);
    }

    static TrialbootException violation(String message) {
        return new TrialbootException(Code.SCHEMA_VIOLATION, message);
    }
}
