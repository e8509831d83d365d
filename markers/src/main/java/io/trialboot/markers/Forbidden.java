package io.trialboot.markers;

import java.util.Map;
import java.util.Objects;

/**
 * A console line that fails the contract at once, on any line of any boot.
 *
 * @param pattern what must not appear
 * @param anywhere true for {@code forbid contains ...} (the pattern may occur anywhere in a line,
 *     e.g. {@code Kernel panic} after the kernel's timestamp), false for a whole-line match
 * @param sourceLine the contract file line it was written on (0 when built in code)
 */
public record Forbidden(LinePattern pattern, boolean anywhere, int sourceLine) {
    public Forbidden {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.captureTypes().isEmpty() || !pattern.references().isEmpty()) {
            throw new IllegalArgumentException("a forbidden pattern neither captures nor refers: " + pattern.source());
        }
    }

    /** Whether {@code text} is forbidden by this entry. */
    public boolean matches(String text) {
        return anywhere ? pattern.occursIn(text, Map.of()) : pattern.match(text, Map.of()).isPresent();
    }

    /** The entry as written in a contract, for reports. */
    public String describe() {
        return (anywhere ? "contains " : "") + pattern.source();
    }
}
