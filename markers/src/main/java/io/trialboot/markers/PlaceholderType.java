package io.trialboot.markers;

/**
 * The value types a marker template may leave open ({@code <slot>}, {@code <int>}, ...).
 *
 * <p>Two checks per type, kept side by side so they cannot drift: {@link #accepts} is hand-written
 * (the guest validates every value it prints and must not load {@code java.util.regex} for it),
 * {@link #regex} is what contract patterns compile to on the host.
 */
enum PlaceholderType {
    SLOT("slot", "[ab]"),
    KIND("kind", "full|delta"),
    MODE("mode", BootMode.regex()),
    INT("int", "0|[1-9][0-9]*"),
    VER("ver", "(?:0|[1-9][0-9]{0,8})\\.(?:0|[1-9][0-9]{0,8})\\.(?:0|[1-9][0-9]{0,8})"),
    CODE("code", "[A-Z][A-Z0-9_]*"),
    WORD("word", "\\S+"),
    TEXT("text", ".+");

    private final String id;
    private final String regex;

    PlaceholderType(String id, String regex) {
        this.id = id;
        this.regex = regex;
    }

    /** The name written between angle brackets, e.g. {@code int}. */
    String id() {
        return id;
    }

    /** A regular expression (no groups) matching exactly the accepted values. */
    String regex() {
        return regex;
    }

    /** The type named {@code id}, or {@code null} when there is none. */
    static PlaceholderType byId(String id) {
        for (PlaceholderType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }

    /** Whether {@code value} is a well-formed value of this type. */
    boolean accepts(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        // An if-chain, not a switch on this enum: a switch costs the guest one more class to load.
        if (this == SLOT) {
            return value.equals("a") || value.equals("b");
        }
        if (this == KIND) {
            return value.equals("full") || value.equals("delta");
        }
        if (this == MODE) {
            return BootMode.isWord(value);
        }
        if (this == INT) {
            return isNumber(value, 0, value.length(), Integer.MAX_VALUE);
        }
        if (this == VER) {
            return isVersion(value);
        }
        if (this == CODE) {
            return isCode(value);
        }
        if (this == WORD) {
            for (int i = 0; i < value.length(); i++) {
                if (Character.isWhitespace(value.charAt(i))) {
                    return false;
                }
            }
            return true;
        }
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0; // TEXT
    }

    /** {@code 0|[1-9][0-9]*} over {@code s[from, to)}, at most {@code maxDigits} digits. */
    private static boolean isNumber(String s, int from, int to, int maxDigits) {
        int n = to - from;
        if (n <= 0 || n > maxDigits || (n > 1 && s.charAt(from) == '0')) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isVersion(String s) {
        int first = s.indexOf('.');
        int second = first < 0 ? -1 : s.indexOf('.', first + 1);
        return second > 0 && s.indexOf('.', second + 1) < 0
                && isNumber(s, 0, first, 9) && isNumber(s, first + 1, second, 9)
                && isNumber(s, second + 1, s.length(), 9);
    }

    private static boolean isCode(String s) {
        char c0 = s.charAt(0);
        if (c0 < 'A' || c0 > 'Z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
