package io.trialboot.markers;

import io.trialboot.markers.PatternPart.Hole;
import io.trialboot.markers.PatternPart.Lit;
import io.trialboot.markers.PatternPart.Ref;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link LinePattern} is written: the placeholder syntax of a literal line and the argument
 * syntax of a catalog marker (see {@link LinePattern}'s class comment), parsed into {@link PatternPart}s.
 */
final class PatternSyntax {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern REF = Pattern.compile("=([a-z][a-z0-9_]*)(?:([+-])([0-9]{1,9}))?");

    private PatternSyntax() {}

    /**
     * Parses a literal line pattern with placeholders.
     *
     * @throws IllegalArgumentException naming the offending placeholder
     */
    static LinePattern parse(String source) {
        List<PatternPart> parts = new ArrayList<>();
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

    private static void flush(StringBuilder lit, List<PatternPart> parts) {
        if (lit.length() > 0) {
            parts.add(new Lit(lit.toString()));
            lit.setLength(0);
        }
    }

    private static PatternPart placeholder(String body, int column) {
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

    /** The pattern of a catalog marker; {@code literal[k]} makes argument k a literal value even
     * when it starts with {@code *}, {@code :} or {@code =} (a quoted argument in a contract). */
    static LinePattern of(Marker marker, String[] args, boolean[] literal) {
        int n = marker.placeholderCount();
        if (args.length != 0 && args.length != n) {
            throw new IllegalArgumentException(marker + " ('" + marker.template() + "') takes " + n
                    + " argument(s), got " + args.length);
        }
        List<PatternPart> parts = new ArrayList<>();
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
}
