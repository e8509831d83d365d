package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader for the small JSON authoring files of the host tools ({@code stable.json},
 * system-set metadata): objects, arrays, strings, integers, booleans, null. Duplicate keys and
 * trailing content are errors ({@link Code#MALFORMED_INPUT}).
 */
final class Json {
    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** Parses a document whose top level is an object. */
    static Map<String, Object> parseObject(String text, String what) {
        Json j = new Json(text);
        j.ws();
        if (j.peek() != '{') {
            throw j.error(what + " is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) j.value(what);
        j.ws();
        if (j.pos != text.length()) {
            throw j.error(what + " has content after the object");
        }
        return m;
    }

    private Object value(String what) {
        ws();
        char c = peek();
        if (c == '{') {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                ws();
                String key = string(what);
                ws();
                expect(':', what);
                if (m.put(key, value(what)) != null) {
                    throw error(what + " repeats the key \"" + key + "\"");
                }
                ws();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}', what);
                    return m;
                }
            }
        }
        if (c == '[') {
            pos++;
            List<Object> l = new ArrayList<>();
            ws();
            if (peek() == ']') {
                pos++;
                return l;
            }
            while (true) {
                l.add(value(what));
                ws();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']', what);
                    return l;
                }
            }
        }
        if (c == '"') {
            return string(what);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            try {
                return Long.parseLong(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error(what + " has a number that is not an integer");
            }
        }
        for (String lit : new String[] {"true", "false", "null"}) {
            if (s.startsWith(lit, pos)) {
                pos += lit.length();
                return lit.equals("null") ? null : Boolean.valueOf(lit);
            }
        }
        throw error(what + " has an unexpected character '" + c + "'");
    }

    private String string(String what) {
        expect('"', what);
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next(what);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error(what + " has a control character in a string");
            }
            if (c == '\\') {
                char e = next(what);
                switch (e) {
                    case '"': case '\\': case '/': sb.append(e); break;
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        if (pos + 4 > s.length()) {
                            throw error(what + " ends inside a \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error(what + " has a bad \\u escape");
                        }
                        pos += 4;
                        break;
                    default: throw error(what + " has a bad escape \\" + e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void ws() {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private char next(String what) {
        if (pos >= s.length()) {
            throw error(what + " ends early");
        }
        return s.charAt(pos++);
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error(what + ": expected '" + c + "'");
        }
        pos++;
    }

    private TrialbootException error(String message) {
        return new TrialbootException(Code.MALFORMED_INPUT, message + " (at character " + pos + ")");
    }
}
