package io.trialboot.markers;

/**
 * A catalog template parsed once: the literal text around its typed placeholders. {@link Marker}
 * renders its lines and its {@code printf} format through it. Loaded by the guest with
 * {@link Marker}: it depends on nothing but {@link PlaceholderType}.
 */
final class MarkerTemplate {
    private final String text;
    /** Literal text around the placeholders: {@code literals.length == types.length + 1}. */
    private final String[] literals;
    private final PlaceholderType[] types;

    MarkerTemplate(String text) {
        this.text = text;
        int n = 0;
        for (int i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
            n++;
        }
        literals = new String[n + 1];
        types = new PlaceholderType[n];
        int from = 0;
        for (int k = 0; k < n; k++) {
            int open = text.indexOf('<', from);
            int close = text.indexOf('>', open);
            literals[k] = text.substring(from, open);
            types[k] = PlaceholderType.byId(text.substring(open + 1, close));
            if (types[k] == null) {
                throw new IllegalArgumentException("bad placeholder in catalog template: " + text);
            }
            from = close + 1;
        }
        literals[n] = text.substring(from);
    }

    String text() {
        return text;
    }

    int count() {
        return types.length;
    }

    PlaceholderType type(int k) {
        return types[k];
    }

    String literal(int k) {
        return literals[k];
    }

    /** Each placeholder a {@code %s}, each literal {@code %} doubled. */
    String printfFormat() {
        StringBuilder sb = new StringBuilder(text.length());
        for (int k = 0; k <= types.length; k++) {
            sb.append(literals[k].replace("%", "%%"));
            if (k < types.length) {
                sb.append("%s");
            }
        }
        return sb.toString();
    }

    /**
     * The line with {@code values} in place of the placeholders; {@code name} (the marker's) for the
     * messages of a wrong count or a value not of its placeholder's type.
     */
    String line(String name, Object... values) {
        if (values.length != types.length) {
            throw new IllegalArgumentException(name + " takes " + types.length + " value(s) for '"
                    + text + "', got " + values.length);
        }
        if (types.length == 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int k = 0; k < types.length; k++) {
            String v = String.valueOf(values[k]);
            if (!types[k].accepts(v)) {
                throw new IllegalArgumentException(name + ": value " + (k + 1) + " '" + v
                        + "' is not a <" + types[k].id() + "> in '" + text + "'");
            }
            sb.append(literals[k]).append(v);
        }
        return sb.append(literals[types.length]).toString();
    }
}
