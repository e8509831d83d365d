package io.trialboot.markers;

import java.time.Duration;
import java.util.Objects;

/**
 * One line of guest console output.
 *
 * @param at when the line was complete, measured from the start of the run; {@code null} when
 *     unknown (a raw console capture without timestamps)
 * @param boot which boot the line belongs to: 0 before the first firmware banner, then 1, 2, ...
 *     (see {@link BootBoundary})
 * @param text the line without its line terminator
 */
public record ConsoleLine(Duration at, int boot, String text) {
    public ConsoleLine {
        Objects.requireNonNull(text, "text");
        if (at != null && at.isNegative()) {
            throw new IllegalArgumentException("line time must not be negative: " + at);
        }
        if (boot < 0) {
            throw new IllegalArgumentException("boot index must not be negative: " + boot);
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a console line holds no line break or carriage return"
                    + " (see ConsoleLine.clean): '" + text + "'");
        }
    }

    /**
     * {@code raw} console text made fit for a line: carriage returns and line feeds dropped (the
     * pty sends CRLF, and progress output rewrites a line with a bare CR).
     */
    public static String clean(String raw) {
        if (raw.indexOf('\r') < 0 && raw.indexOf('\n') < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Whether {@link #at} is known. */
    public boolean timed() {
        return at != null;
    }

    /** {@code +41.2s}, or {@code +?} when the time is unknown: how reports show the time. */
    public String shortTime() {
        if (at == null) {
            return "+?";
        }
        long tenths = at.toMillis() / 100;
        return "+" + tenths / 10 + "." + tenths % 10 + "s";
    }
}
