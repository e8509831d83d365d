package io.trialboot.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Splits the console's byte stream into lines. The pty turns every newline into CRLF, so carriage
 * returns are dropped. A partial line that ends like a shell prompt ({@code # }, {@code $ } or
 * {@code > }) becomes a line of its own once the console has been quiet for {@code quietNanos}: then
 * {@code ~ # } is seen as soon as it is printed, and the echo of a typed command starts a fresh
 * line. Any other partial line waits for its newline, however long the guest stalls: on a loaded
 * host an emulated guest can pause mid-line for longer than the quiet period, and a line cut there
 * would hide a marker or a history entry. The nx console's own prompt ({@value #NX_PROMPT}, the
 * whole partial line at the end of a read) is a line at once: it is printed only when the shell waits
 * for a command, and waiting out the quiet period cost every command a third of a second. Terminal escape sequences
 * ({@code ESC [ ... final}, e.g. a shell's cursor-position query, and two-byte {@code ESC x}) are
 * dropped: markers are whole lines of plain text. Not thread-safe; the caller holds the lock. Time
 * is passed in, so tests need no sleeps.
 */
final class LineAssembler {
    /** A line longer than this is cut: a runaway guest must not grow the heap without bound. */
    static final int MAX_LINE = 16 * 1024;
    /** The guest's nx console prompt (NxConsole.PROMPT in the updater), alone on its line. */
    static final String NX_PROMPT = "trialboot# ";
    private static final byte[] NX_PROMPT_BYTES = NX_PROMPT.getBytes(StandardCharsets.UTF_8);

    private final long quietNanos;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long lastByteAt;
    /** 0 in text, 1 after ESC, 2 inside a CSI sequence (ESC [ ... final byte). */
    private int escape;

    LineAssembler(long quietNanos) {
        if (quietNanos <= 0) throw new IllegalArgumentException("quietNanos must be positive: " + quietNanos);
        this.quietNanos = quietNanos;
    }

    /** Feeds {@code len} bytes read at {@code now}; returns the lines they complete, in order. */
    List<String> accept(byte[] buf, int len, long now) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < len; i++) {
            byte b = buf[i];
            if (escape == 1 && b >= 0x20) {
                escape = b == '[' ? 2 : 0;
                continue;
            }
            if (escape == 2 && b >= 0x20) {
                if (b >= 0x40 && b <= 0x7e) escape = 0;
                continue;
            }
            escape = 0; // a control byte (newline) ends a broken sequence and counts itself
            if (b == 0x1b) {
                escape = 1;
            } else if (b == '\n') {
                lines.add(take());
            } else if (b != '\r') {
                partial.write(b);
                if (partial.size() >= MAX_LINE) lines.add(take());
            }
        }
        if (len > 0) lastByteAt = now;
        if (Arrays.equals(partial.toByteArray(), NX_PROMPT_BYTES)) lines.add(take());
        return lines;
    }

    /** The partial line, if it ends like a prompt and nothing has arrived for the quiet period. */
    Optional<String> flushIfQuiet(long now) {
        if (partial.size() < 2 || now - lastByteAt < quietNanos || !endsLikeAPrompt()) return Optional.empty();
        return Optional.of(take());
    }

    private boolean endsLikeAPrompt() {
        byte[] b = partial.toByteArray();
        byte last = b[b.length - 1];
        byte mark = b[b.length - 2];
        return last == ' ' && (mark == '#' || mark == '$' || mark == '>');
    }

    /** Whatever is left at end of stream. */
    Optional<String> finish() {
        return partial.size() == 0 ? Optional.empty() : Optional.of(take());
    }

    private String take() {
        String s = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        return s;
    }
}
