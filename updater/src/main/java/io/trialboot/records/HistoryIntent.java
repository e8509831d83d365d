package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.StateFiles;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The history's append intent ({@code log/history.jsonl.intent}): the log's length before an
 * append and the exact bytes of the line being appended, written and fsynced before the first byte
 * of the line. After a power cut it makes the log's tail unambiguous: bytes past {@code offset} (a
 * line's start) that are a proper prefix of {@code line} are that append's, cut short, and are
 * undone; anything else is judged by the log's own bytes ({@code LOG_TORN} stays an unknown tail's
 * answer).
 *
 * <p>Layout: {@code history-append <offset> <length>\n}, the line's bytes, then the SHA-256 hex of
 * everything before it and a newline. The file is rewritten in place (one fsync), so a cut can
 * leave a mix of two intents: the digest tells; a mix is no intent, and since the line is written
 * only after the intent's fsync, a torn intent never has a line of its own in the log.
 */
record HistoryIntent(long offset, byte[] line) {
    private static final String MAGIC = "history-append ";
    private static final int DIGEST_LINE = 2 * Sha256.LENGTH + 1;
    /** Header, a line at its bound, the digest line: anything longer is not an intent. */
    static final long MAX_BYTES = 64 + Bounds.HISTORY_LINE_BYTES + DIGEST_LINE;

    HistoryIntent {
        if (offset < 0 || line.length == 0) {
            throw new IllegalArgumentException("intent of " + line.length + " bytes at " + offset);
        }
    }

    /** The intent that goes with {@code log}. */
    static Path beside(Path log) {
        return log.resolveSibling(log.getFileName() + ".intent");
    }

    byte[] encode() {
        byte[] head = (MAGIC + offset + " " + line.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(head, head.length + line.length);
        System.arraycopy(line, 0, body, head.length, line.length);
        byte[] digest = (Sha256.of(body).hex() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(body, body.length + digest.length);
        System.arraycopy(digest, 0, all, body.length, digest.length);
        return all;
    }

    /** The intent in {@code file}; empty when there is none, it is empty, or it is torn or foreign. */
    static Optional<HistoryIntent> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return decode(StateFiles.read(file, MAX_BYTES, "history intent"));
        } catch (TrialbootException e) {
            if (e.code() == Code.HOST_NOT_FOUND || e.code() == Code.HOST_INPUT_OVERSIZE) {
                return Optional.empty(); // removed meanwhile, or not an intent: either way nothing it explains
            }
            throw e;
        }
    }

    static Optional<HistoryIntent> decode(byte[] bytes) {
        int end = bytes.length - DIGEST_LINE;
        if (end <= MAGIC.length() || bytes[bytes.length - 1] != '\n') {
            return Optional.empty();
        }
        byte[] body = Arrays.copyOf(bytes, end);
        String digest = new String(bytes, end, DIGEST_LINE - 1, StandardCharsets.US_ASCII);
        if (!Sha256.of(body).hex().equals(digest)) {
            return Optional.empty();
        }
        int nl = 0;
        while (nl < body.length && body[nl] != '\n') {
            nl++;
        }
        String[] head = new String(body, 0, Math.min(nl, 64), StandardCharsets.US_ASCII).split(" ", -1);
        if (nl == body.length || head.length != 3 || !(head[0] + " ").equals(MAGIC)
                || !head[1].matches("[0-9]{1,18}") || !head[2].matches("[0-9]{1,5}")
                || Long.parseLong(head[2]) != body.length - nl - 1 || body.length - nl - 1 == 0) {
            return Optional.empty();
        }
        return Optional.of(new HistoryIntent(Long.parseLong(head[1]), Arrays.copyOfRange(body, nl + 1, body.length)));
    }

    /**
     * The log's committed length, given its length {@code size} and its bytes from just before
     * {@code offset} on ({@code from}: byte {@code offset - 1}, or {@code offset} when it is 0, up to
     * {@code size}): {@code offset} when {@code offset} starts a line and the bytes after it are a
     * proper, non-empty prefix of the line, this append cut short; else {@code size}, the log judged
     * by its own bytes (nothing written yet, the whole line written, or bytes that are not this
     * append's).
     */
    long committed(long size, byte[] from) {
        int skip = offset == 0 ? 0 : 1;
        int n = from.length - skip;
        if (!cutShort(size) || n != size - offset || (skip == 1 && from[0] != '\n')) {
            return size;
        }
        return Arrays.equals(from, skip, from.length, line, 0, n) ? offset : size;
    }

    /** Where the bytes {@link #committed} compares begin. */
    long compareFrom() {
        return offset == 0 ? 0 : offset - 1;
    }

    /** Whether a log of {@code size} bytes could hold this append cut short (the bytes still to compare). */
    boolean cutShort(long size) {
        return size > offset && size < offset + line.length;
    }
}
