package io.trialboot.markers;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a boot starts in the console stream. OpenSBI prints its banner ({@code OpenSBI v1.1})
 * first thing on every boot: a cold start, a restart after a power cut, and a guest reset, which
 * the harness makes a new QEMU on the same disk (SPEC §2.1). A VM the
 * harness starts from a saved state prints no banner: the harness writes a restore line of its own
 * ({@link #restoreLine}) into the console, and that line opens a new boot too, so a line from before
 * the restore is always of an earlier boot than the steps awaited after it.
 */
public final class BootBoundary {
    private static final String BANNER = "OpenSBI v";
    private static final String RESTORE = "trialboot-harness: restored snapshot ";
    private static final Pattern RESTORE_LINE = Pattern.compile(Pattern.quote(RESTORE) + "(\\S+) key=([0-9a-f]{64})");

    /** A restore line's snapshot name and cache key. */
    public record Restore(String snapshot, String key) {}

    private BootBoundary() {
    }

    /**
     * Whether {@code text} opens a new boot: the firmware banner (which may follow the unterminated
     * remains of the previous boot's last line, so it is looked for anywhere) or a restore line.
     */
    public static boolean startsNewBoot(String text) {
        for (int i = text.indexOf(BANNER); i >= 0; i = text.indexOf(BANNER, i + 1)) {
            int v = i + BANNER.length();
            if (v < text.length() && Character.isDigit(text.charAt(v))) {
                return true;
            }
        }
        return restore(text).isPresent();
    }

    /**
     * The line the harness records when a VM starts from snapshot {@code snapshot} whose cache key
     * is {@code key} (64 lowercase hex digits).
     */
    public static String restoreLine(String snapshot, String key) {
        String line = RESTORE + snapshot + " key=" + key;
        if (!RESTORE_LINE.matcher(line).matches()) {
            throw new IllegalArgumentException("a snapshot name has no blanks and a key is 64 hex digits: '" + line + "'");
        }
        return line;
    }

    /** The snapshot and key {@code text} names when it is a whole restore line. */
    public static Optional<Restore> restore(String text) {
        if (!text.startsWith(RESTORE)) {
            return Optional.empty();
        }
        Matcher m = RESTORE_LINE.matcher(text);
        return m.matches() ? Optional.of(new Restore(m.group(1), m.group(2))) : Optional.empty();
    }
}
