package io.trialboot.markers;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern REF = Pattern.compile("=([a-z][a-z0-9_]*)(?:([+-])([0-9]{1,9}))?");

    /** One piece of a pattern. */
    private sealed interface Part permits Lit, Hole, Ref {
    }

    private record Lit(String text) implements Part {
    }

    /** Any value of {@code type}, captured as {@code capture} unless that is null. */
    private record Hole(PlaceholderType type, String capture) implements Part {
    }

    /** The value captured as {@code name}, plus {@code offset} (an int capture) when non-zero. */
    private record Ref(String name, long offset, PlaceholderType declared) implements Part {
    }

    private final String source;
    private final List<Part> parts;
    private volatile Compiled cache;

    private record Compiled(List<String> refValues, Pattern pattern) {
    }

    /** The whole text when the pattern is one literal (no placeholders): matched without regex. */
    private final String literalOnly;

    private LinePattern(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(withoutTrailingBlanks(parts));
        this.literalOnly = this.parts.isEmpty() ? ""
                : this.parts.size() == 1 && this.parts.get(0) instanceof Lit l ? l.text() : null;
    }

    /** Console lines are matched without their trailing whitespace, so the pattern drops its own too. */
    private static List<Part> withoutTrailingBlanks(List<Part> parts) {
        if (parts.isEmpty() || !(parts.get(parts.size() - 1) instanceof Lit last)) {
            return parts;
        }
        List<Part> trimmed = new ArrayList<>(parts.subList(0, parts.size() - 1));
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
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c != '<') {
                lit.append(c);
                i++;
                continue;
            }
            if (i + 1 < source.length() && source.charAt(i + 1) == '<') {
                lit.append('<');
                i += 2;
                continue;
            }
            int close = source.indexOf('>', i);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed placeholder at pattern column " + (i + 1) + " (write << for a literal <)");
            }
            flush(lit, parts);
            parts.add(placeholder(source.substring(i + 1, close), i + 1));
            i = close + 1;
        }
        flush(lit, parts);
        return new LinePattern(quoted(source), parts);
    }

    /** {@code text} as a contract writes it: in double quotes, with {@code "} and {@code \} escaped. */
    static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void flush(StringBuilder lit, List<Part> parts) {
        if (lit.length() > 0) {
            parts.add(new Lit(lit.toString()));
            lit.setLength(0);
        }
    }

    private static Part placeholder(String body, int column) {
        if (body.startsWith("=")) {
            return ref(body, null, "placeholder <" + body + "> at pattern column " + column);
        }
        int colon = body.indexOf(':');
        String typeId = colon < 0 ? body : body.substring(0, colon);
        PlaceholderType type = PlaceholderType.byId(typeId);
        if (type == null) {
            throw new IllegalArgumentException("unknown placeholder type '" + typeId + "' at pattern column " + column
                    + " (types: slot, kind, mode, int, ver, code, word, text)");
        }
        if (colon < 0) {
            return new Hole(type, null);
        }
        return new Hole(type, captureName(body.substring(colon + 1), "placeholder <" + body + "> at pattern column " + column));
    }

    private static String captureName(String name, String where) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("capture name '" + name + "' in " + where + " is not [a-z][a-z0-9_]*");
        }
        return name;
    }

    private static Ref ref(String body, PlaceholderType declared, String where) {
        Matcher m = REF.matcher(body);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + " is not a reference (=name, =name+K or =name-K)");
        }
        long k = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return new Ref(m.group(1), "-".equals(m.group(2)) ? -k : k, declared);
    }

    /**
     * A pattern for a catalog marker. With no arguments every placeholder matches any value of its
     * type; otherwise there is one argument per placeholder (see the class comment).
     *
     * @throws IllegalArgumentException on a wrong argument count or a literal of the wrong type
     */
    public static LinePattern of(Marker marker, String... args) {
        return of(marker, args, new boolean[args.length]);
    }

    /** As {@link #of(Marker, String...)}; {@code literal[k]} makes argument k a literal value even
     * when it starts with {@code *}, {@code :} or {@code =} (a quoted argument in a contract). */
    static LinePattern of(Marker marker, String[] args, boolean[] literal) {
        int n = marker.placeholderCount();
        if (args.length != 0 && args.length != n) {
            throw new IllegalArgumentException(marker + " ('" + marker.template() + "') takes " + n
                    + " argument(s), got " + args.length);
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        StringBuilder src = new StringBuilder(marker.name());
        for (int k = 0; k <= n; k++) {
            lit.append(marker.literal(k));
            if (k == n) {
                break;
            }
            PlaceholderType type = marker.type(k);
            boolean isLiteral = args.length != 0 && literal[k];
            String arg = args.length == 0 ? "*" : args[k];
            if (args.length != 0) {
                src.append(' ').append(isLiteral || arg.isEmpty() || arg.indexOf(' ') >= 0 || arg.indexOf('"') >= 0
                        ? quoted(arg) : arg);
            }
            String where = "argument " + (k + 1) + " of " + marker;
            if (isLiteral) {
                if (!type.accepts(arg)) {
                    throw new IllegalArgumentException(where + ": '" + arg + "' is not a <" + type.id() + ">");
                }
                lit.append(arg);
            } else if (arg.equals("*")) {
                flush(lit, parts);
                parts.add(new Hole(type, null));
            } else if (arg.startsWith(":")) {
                flush(lit, parts);
                parts.add(new Hole(type, captureName(arg.substring(1), where)));
            } else if (arg.startsWith("=")) {
                flush(lit, parts);
                parts.add(ref(arg, type, where + " ('" + arg + "')"));
            } else if (type.accepts(arg)) {
                lit.append(arg);
            } else {
                throw new IllegalArgumentException(where + ": '" + arg + "' is not a <" + type.id() + ">");
            }
        }
        flush(lit, parts);
        return new LinePattern(src.toString(), parts);
    }

    /** The pattern as written in a contract: a quoted line, or a marker name and its arguments. */
    public String source() {
        return source;
    }

    /** The names this pattern captures, with their placeholder type names, in order. */
    public Map<String, String> captureTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Part p : parts) {
            if (p instanceof Hole h && h.capture() != null) {
                m.put(h.capture(), h.type().id());
            }
        }
        return m;
    }

    /** The capture names this pattern refers to, each with its offset (0 for a plain reference). */
    public Map<String, Long> references() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Part p : parts) {
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
        for (Part part : parts) {
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
        for (Part p : parts) {
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
        for (Part p : parts) {
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
        for (Part p : parts) {
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
