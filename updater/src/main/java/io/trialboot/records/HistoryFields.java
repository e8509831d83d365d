package io.trialboot.records;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of one history line, in the order given (the order is part of the line's bytes).
 * Integers are kept as numbers, null as null, anything else as its text.
 */
public final class HistoryFields {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private HistoryFields() {}

    public static HistoryFields of(String key, Object value) {
        return new HistoryFields().and(key, value);
    }

    public HistoryFields and(String key, Object value) {
        fields.put(key, value instanceof Integer n ? Long.valueOf(n)
                : value == null || value instanceof Long ? value : value.toString());
        return this;
    }

    public Map<String, Object> map() {
        return Collections.unmodifiableMap(fields);
    }
}
