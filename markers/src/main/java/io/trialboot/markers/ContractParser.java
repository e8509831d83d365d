package io.trialboot.markers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the line-oriented contract format (docs/markers.md); errors carry the line number. */
final class ContractParser {
    private static final Pattern TIMEOUT = Pattern.compile("([1-9][0-9]{0,6})(ms|s|m)");
    private static final Pattern MARKER_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final String name;
    private final List<Step> steps = new ArrayList<>();
    private final List<Forbidden> forbidden = new ArrayList<>();
    private int boot;
    private int lineNo;

    ContractParser(String name) {
        this.name = name;
    }

    /** One whitespace-separated word; {@code quoted} when written in double quotes. */
    record Token(String text, boolean quoted) {
    }

    Contract parse(String text) {
        String[] lines = text.split("\n", -1);
        for (lineNo = 1; lineNo <= lines.length; lineNo++) {
            String line = lines[lineNo - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<Token> tokens = tokenize(line);
            switch (tokens.get(0).quoted() ? "" : tokens.get(0).text()) {
                case "boot" -> boot(tokens);
                case "expect" -> expect(tokens);
                case "forbid" -> forbid(tokens);
                default -> throw syntax("unknown directive '" + tokens.get(0).text()
                        + "' (a line is 'boot N', 'expect TIMEOUT ...', 'forbid ...' or a # comment)");
            }
        }
        return new Contract(name, steps, forbidden);
    }

    private void boot(List<Token> t) {
        if (t.size() != 2 || t.get(1).quoted() || !t.get(1).text().matches("[1-9][0-9]{0,8}")) {
            throw syntax("expected 'boot N' with N = 1, 2, ...");
        }
        int n = Integer.parseInt(t.get(1).text());
        if (n <= boot) {
            throw syntax("boot " + n + " after boot " + boot + ": boot sections go forward");
        }
        boot = n;
    }

    private void expect(List<Token> t) {
        if (boot == 0) {
            throw syntax("'expect' before any 'boot N' line: say which boot the step belongs to");
        }
        if (t.size() < 3) {
            throw syntax("expected 'expect TIMEOUT MARKER [ARG...]' or 'expect TIMEOUT \"line\"'");
        }
        Duration timeout = timeout(t.get(1));
        steps.add(new Step(steps.size() + 1, boot, timeout, pattern(t.subList(2, t.size())), lineNo));
    }

    private void forbid(List<Token> t) {
        boolean anywhere = t.size() > 1 && !t.get(1).quoted() && t.get(1).text().equals("contains");
        List<Token> rest = t.subList(anywhere ? 2 : 1, t.size());
        if (rest.isEmpty()) {
            throw syntax("expected 'forbid MARKER [ARG...]', 'forbid \"line\"' or 'forbid contains \"text\"'");
        }
        LinePattern p = pattern(rest);
        if (!p.captureTypes().isEmpty() || !p.references().isEmpty()) {
            throw syntax("a forbidden pattern cannot capture or refer to captures: " + p.source());
        }
        forbidden.add(new Forbidden(p, anywhere, lineNo));
    }

    private Duration timeout(Token t) {
        Matcher m = TIMEOUT.matcher(t.text());
        if (t.quoted() || !m.matches()) {
            throw syntax("timeout '" + t.text() + "' is not a positive whole number with ms, s or m (e.g. 90s)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private LinePattern pattern(List<Token> t) {
        Token first = t.get(0);
        try {
            if (first.quoted()) {
                if (t.size() != 1) {
                    throw syntax("unexpected '" + t.get(1).text() + "' after the quoted line");
                }
                return LinePattern.parse(first.text());
            }
            if (!MARKER_NAME.matcher(first.text()).matches()) {
                throw syntax("'" + first.text() + "' is neither a catalog marker name nor a quoted line");
            }
            Marker marker;
            try {
                marker = Marker.valueOf(first.text());
            } catch (IllegalArgumentException e) {
                throw new ContractException(ContractException.Code.CONTRACT_UNKNOWN_MARKER, lineNo,
                        where() + ": no marker '" + first.text() + "' in the catalog (docs/markers.md lists them)");
            }
            String[] args = new String[t.size() - 1];
            boolean[] literal = new boolean[args.length];
            for (int i = 1; i < t.size(); i++) {
                args[i - 1] = t.get(i).text();
                literal[i - 1] = t.get(i).quoted();
            }
            return PatternSyntax.of(marker, args, literal);
        } catch (IllegalArgumentException e) {
            throw syntax(e.getMessage());
        }
    }

    /** Splits a line into words; {@code "..."} is one word with {@code \"} and {@code \\} escapes. */
    private List<Token> tokenize(String line) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\') {
                        char e = j + 1 < line.length() ? line.charAt(j + 1) : 0;
                        if (e != '"' && e != '\\') {
                            throw syntax("bad escape at column " + (j + 1) + " (only \\\" and \\\\ are escapes)");
                        }
                        d = e;
                        j++;
                    }
                    sb.append(d);
                }
                if (j >= line.length()) {
                    throw syntax("unterminated quoted string starting at column " + (i + 1));
                }
                if (j + 1 < line.length() && !Character.isWhitespace(line.charAt(j + 1))) {
                    throw syntax("missing space after the quoted string ending at column " + (j + 1));
                }
                tokens.add(new Token(sb.toString(), true));
                i = j + 1;
            } else {
                int j = i;
                while (j < line.length() && !Character.isWhitespace(line.charAt(j))) {
                    j++;
                }
                tokens.add(new Token(line.substring(i, j), false));
                i = j;
            }
        }
        return tokens;
    }

    private String where() {
        return "contract '" + name + "' line " + lineNo;
    }

    private ContractException syntax(String message) {
        return new ContractException(ContractException.Code.CONTRACT_SYNTAX, lineNo, where() + ": " + message);
    }
}
