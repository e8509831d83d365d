package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.util.Objects;
import java.util.Optional;

/**
 * The input an install request named ({@code nx update apply <input>}, a feed entry's path) and
 * the SHA-256 of the bytes read from it, as a receipt and a {@code reject} line keep them. Neither
 * is an identity: the name is whatever the request said, and the digest is measured, not checked
 * against anything. A release's identity is its verified manifest's ({@link UpdateReceipt#releaseId}).
 *
 * <p>The one home of how a name given by a request is shown ({@link #shown}): printable ASCII other
 * than the backslash is kept as it is; any other character (a blank, a control character, a line
 * break, anything outside ASCII) is written {@code \xNN} or {@code \}{@code uNNNN}; a name longer than
 * {@link #NAME_CHARS} is cut there and ends {@code ...[<its length>]}; an empty one is {@code (empty)}. So a hostile name reaches no
 * console, receipt or history line as control characters, and cannot grow them past their bounds.
 *
 * @param name the name as {@link #shown}
 * @param sha256 hex; null when nothing could be read (no such file, a path refused before any file was opened)
 */
public record RequestedInput(String name, String sha256) {
    /** The most characters of a name kept, and the longest name a request may give ({@link #require}). */
    public static final int NAME_CHARS = Bounds.INPUT_NAME_CHARS;
    /** {@code ...[<length>]} after a cut: an int's 10 digits at most. */
    private static final int CUT_MARK_CHARS = 15;
    /** How an empty name is shown. */
    static final String EMPTY = "(empty)";

    public RequestedInput {
        Objects.requireNonNull(name, "name");
        // as shown: printable ASCII only, the cut's "...[<length>]" after at most NAME_CHARS
        if (name.isEmpty() || name.length() > NAME_CHARS + CUT_MARK_CHARS
                || !name.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("a requested input's name is kept as shown: '" + shown(name) + "'");
        }
        if (sha256 != null) {
            Sha256.parse(sha256);
        }
    }

    /** {@code raw} as shown, with the digest of {@code read} when the input was read. */
    public static RequestedInput of(String raw, Optional<byte[]> read) {
        return new RequestedInput(shown(raw), read.map(b -> Sha256.of(b).hex()).orElse(null));
    }

    /** {@code raw} with every character but printable ASCII escaped, at most {@link #NAME_CHARS} of it kept. */
    public static String shown(String raw) {
        if (raw.isEmpty()) {
            return EMPTY;
        }
        StringBuilder sb = new StringBuilder(Math.min(raw.length(), NAME_CHARS) + 16);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            String one = c > ' ' && c < 0x7f && c != '\\' ? String.valueOf(c)
                    : c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
            if (sb.length() + one.length() > NAME_CHARS) {
                return sb.append("...[").append(raw.length()).append(']').toString();
            }
            sb.append(one);
        }
        return sb.toString();
    }

    /**
     * {@code raw} when it is its own {@link #shown} form (printable ASCII, no blank or backslash, at
     * most {@link #NAME_CHARS} characters): a request may name an input only so. Anything else is
     * {@link Code#MALFORMED_INPUT}, its message quoting the name as shown.
     */
    public static String require(String raw) {
        String shown = shown(raw);
        if (!shown.equals(raw)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "the input's name '" + shown + "' is not "
                    + NAME_CHARS + " characters at most of printable ASCII without blanks or backslashes");
        }
        return raw;
    }
}
