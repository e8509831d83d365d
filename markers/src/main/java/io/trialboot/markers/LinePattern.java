package io.trialboot.markers;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import io.trialboot.markers.PatternPart.Hole;
import io.trialboot.markers.PatternPart.Lit;
import io.trialboot.markers.PatternPart.Ref;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A console line pattern: literal text with typed placeholders. In a contract it is written either
 * as a quoted literal line ({@code "bundlemgrd: slot <slot> active"}) or as a catalog marker with
 * one argument per placeholder ({@code BUNDLEMGRD_SLOT_ACTIVE a}); both become this.
 *
 * <p>Placeholders in a literal line: {@code <type>} any value of the type, {@code <type:name>} the
 * same and captured as {@code name}, {@code <=name>} exactly the value captured earlier,
 * {@code <=name+K>} / {@code <=name-K>} that int value plus or minus K. {@code <<} is a literal
 * {@code <}. Catalog arguments: {@code *} any value, {@code :name} capture, {@code =name+K}
 * reference, anything else a literal value of the placeholder's type.
 */
public final class LinePattern {
    private final String source;
    private final List<PatternPart> parts;
    private volatile Compiled cache;

    private record Compiled(List<String> refValues, Pattern pattern) {
    }

    /** The whole text when the pattern is one literal (no placeholders): matched without regex. */
    private final String literalOnly;

    LinePattern(String source, List<PatternPart> parts) {
        this.source = source;
        this.parts = List.copyOf(withoutTrailingBlanks(parts));
        this.literalOnly = this.parts.isEmpty() ? ""
                : this.parts.size() == 1 && this.parts.get(0) instanceof Lit l ? l.text() : null;
    }

    /** Console lines are matched without their trailing whitespace, so the pattern drops its own too. */
    private static List<PatternPart> withoutTrailingBlanks(List<PatternPart> parts) {
        if (parts.isEmpty() || !(parts.get(parts.size() - 1) instanceof Lit last)) {
            return parts;
        }
        List<PatternPart> trimmed = new ArrayList<>(parts.subList(0, parts.size() - 1));
        String text = last.text().stripTrailing();
        if (!text.isEmpty()) {
            trimmed.add(new Lit(text));
        }
        return trimmed;
    }

    /**
     * Parses a literal line pattern with placeholders.
     *
     * @throws IllegalArgumentException naming the offending placeholder
     */
    public static LinePattern parse(String source) {
        return PatternSyntax.parse(source);
    }

    /**
     * A pattern for a catalog marker. With no arguments every placeholder matches any value of its
     * type; otherwise there is one argument per placeholder (see the class comment).
     *
     * @throws IllegalArgumentException on a wrong argument count or a literal of the wrong type
     */
    public static LinePattern of(Marker marker, String... args) {
        return PatternSyntax.of(marker, args, new boolean[args.length]);
    }

    /** The pattern as written in a contract: a quoted line, or a marker name and its arguments. */
    public String source() {
        return source;
    }

    /** The names this pattern captures, with their placeholder type names, in order. */
    public Map<String, String> captureTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (PatternPart p : parts) {
            if (p instanceof Hole h && h.capture() != null) {
                m.put(h.capture(), h.type().id());
            }
        }
        return m;
    }

    /** The capture names this pattern refers to, each with its offset (0 for a plain reference). */
    public Map<String, Long> references() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (PatternPart p : parts) {
            if (p instanceof Ref r) {
                m.put(r.name(), r.offset());
            }
        }
        return m;
    }

    /**
     * Matches a whole console line (trailing whitespace ignored).
     *
     * @param known the values captured so far; every referenced name must be there
     * @return the values this line captures (possibly none), or empty when the line does not match
     */
    public Optional<Map<String, String>> match(String text, Map<String, String> known) {
        if (literalOnly != null) {
            return text.stripTrailing().equals(literalOnly) ? Optional.of(Map.of()) : Optional.empty();
        }
        Pattern p = compiled(known);
        if (p == null) {
            return Optional.empty();
        }
        Matcher m = p.matcher(text.stripTrailing());
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> captured = new LinkedHashMap<>();
        int group = 1;
        for (PatternPart part : parts) {
            if (part instanceof Hole h && h.capture() != null) {
                captured.put(h.capture(), m.group(group++));
            }
        }
        return Optional.of(Collections.unmodifiableMap(captured));
    }

    /** Whether the pattern occurs anywhere in {@code text} (forbidden {@code contains} entries). */
    public boolean occursIn(String text, Map<String, String> known) {
        if (literalOnly != null) {
            return text.contains(literalOnly);
        }
        Pattern p = compiled(known);
        return p != null && p.matcher(text).find();
    }

    /**
     * The pattern as a person reads it: literal text, {@code <type>} for open values, references
     * replaced by their value when it is known.
     */
    public String describe(Map<String, String> known) {
        StringBuilder sb = new StringBuilder();
        for (PatternPart p : parts) {
            if (p instanceof Lit l) {
                sb.append(l.text());
            } else if (p instanceof Hole h) {
                sb.append('<').append(h.type().id()).append('>');
            } else {
                Ref r = (Ref) p;
                String v = resolve(r, known);
                sb.append(v != null ? v : "<=" + r.name() + (r.offset() == 0 ? "" : String.format("%+d", r.offset())) + ">");
            }
        }
        return sb.toString();
    }

    /** The value a reference stands for, or null when unknown or impossible (negative, not a number). */
    private static String resolve(Ref r, Map<String, String> known) {
        String v = known.get(r.name());
        if (v == null || r.offset() == 0) {
            return v;
        }
        try {
            BigInteger sum = new BigInteger(v).add(BigInteger.valueOf(r.offset()));
            return sum.signum() < 0 ? null : sum.toString();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The regex for the current reference values (cached: they rarely change), null when unmatchable. */
    private Pattern compiled(Map<String, String> known) {
        Compiled c = cache;
        if (c != null && c.refValues().isEmpty()) {
            return c.pattern(); // no references: compiled once
        }
        List<String> refValues = new ArrayList<>();
        for (PatternPart p : parts) {
            if (p instanceof Ref r) {
                String v = resolve(r, known);
                if (v == null || (r.declared() != null && !r.declared().accepts(v))) {
                    return null;
                }
                refValues.add(v);
            }
        }
        if (c != null && c.refValues().equals(refValues)) {
            return c.pattern();
        }
        StringBuilder re = new StringBuilder();
        int k = 0;
        for (PatternPart p : parts) {
            if (p instanceof Lit l) {
                re.append(Pattern.quote(l.text()));
            } else if (p instanceof Hole h) {
                re.append(h.capture() != null ? "(" : "(?:").append(h.type().regex()).append(')');
            } else {
                re.append(Pattern.quote(refValues.get(k++)));
            }
        }
        Pattern compiled = Pattern.compile(re.toString());
        cache = new Compiled(List.copyOf(refValues), compiled);
        return compiled;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinePattern other && other.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(parts);
    }

    @Override
    public String toString() {
        return source;
    }
}
