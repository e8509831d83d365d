package io.trialboot.records;

import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One history line: {@code {"seq":n,"prev":"<sha256 of line n-1>","event":"...",<fields>}}.
 * {@code prev} of the first line is 64 zeros. Field values are strings or integers.
 */
public record HistoryEntry(long seq, Sha256 prev, String event, Map<String, Object> fields) {
    public static final Sha256 GENESIS = new Sha256(new byte[Sha256.LENGTH]);
    /** Compiled once: a whole read constructs an entry a line. */
    private static final Pattern EVENT = Pattern.compile("[a-z][a-z-]{0,31}");

    public HistoryEntry {
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(event, "event");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
        if (!EVENT.matcher(event).matches()) {
            throw new IllegalArgumentException("event must be lowercase words: '" + event + "'");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getKey().equals("seq") || e.getKey().equals("prev") || e.getKey().equals("event")) {
                throw new IllegalArgumentException("field name is reserved: " + e.getKey());
            }
            Object v = e.getValue();
            if (v != null && !(v instanceof String) && !(v instanceof Long)) {
                throw new IllegalArgumentException("field " + e.getKey() + " must be a string or long");
            }
            copy.put(e.getKey(), v);
        }
        fields = Collections.unmodifiableMap(copy);
    }

    /** The line without its newline; the next entry's {@code prev} is its SHA-256. */
    public String line() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("prev", prev.hex());
        m.put("event", event);
        m.putAll(fields);
        return Json.write(m);
    }

    public Sha256 hash() {
        return Sha256.of(line().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether this line records {@code e}. */
    public boolean is(HistoryEvent e) {
        return event.equals(e.text());
    }

    /** Whether this line records a transition (see {@link HistoryEvent#transition()}). */
    public boolean isTransition() {
        return HistoryEvent.of(event).map(HistoryEvent::transition).orElse(false);
    }

    /** A string field, or null. */
    public String field(String key) {
        Object v = fields.get(key);
        return v instanceof String s ? s : v == null ? null : v.toString();
    }

    static HistoryEntry parse(String line) {
        Map<String, Object> m = Json.parseObject(line);
        Object seq = m.remove("seq");
        Object prev = m.remove("prev");
        Object event = m.remove("event");
        if (!(seq instanceof Long s) || !(prev instanceof String p) || !(event instanceof String e)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "history line lacks seq, prev or event");
        }
        try {
            return new HistoryEntry(s, Sha256.parse(p), e, m);
        } catch (IllegalArgumentException ex) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "history line: " + ex.getMessage());
        }
    }
}
