package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checks a history line passes: complete (ends with a newline), within its bound, strict UTF-8,
 * an entry in canonical form, numbered one after the line before it and carrying that line's hash
 * (the first line: seq 1 and 64 zeros). {@link HistoryLog#read} runs them over every line;
 * an append over the last two ({@link HistoryTail}).
 */
final class HistoryChain {
    private HistoryChain() {}

    /** Every entry of {@code bytes[0, length)}, checked from the first line on. */
    static List<HistoryEntry> parse(Path file, byte[] bytes, int length) {
        int complete = tailStart(bytes, length);
        List<String> lines = complete == 0 ? List.of()
                : Arrays.asList(utf8(file, bytes, 0, complete - 1).split("\n", -1));
        if (complete != length) {
            throw new TrialbootException(Code.LOG_TORN, file + ": line " + (lines.size() + 1) + " is incomplete ("
                    + (length - complete) + " bytes after the last newline; a power cut during a write?)");
        }
        List<HistoryEntry> entries = new ArrayList<>();
        Sha256 before = HistoryEntry.GENESIS;
        for (String line : lines) {
            long n = entries.size() + 1;
            HistoryEntry e = entry(file, line, "line " + n);
            if (e.seq() != n) {
                throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line " + n + " has seq " + e.seq());
            }
            follows(file, e, before, "line " + n, "line " + (n - 1));
            entries.add(e);
            before = hash(line);
        }
        return entries;
    }

    /** Where the last line of {@code bytes[0, length)} ends: after its last newline. */
    static int tailStart(byte[] bytes, int length) {
        int i = length;
        while (i > 0 && bytes[i - 1] != '\n') {
            i--;
        }
        return i;
    }

    /** One line (without its newline), named {@code where} in messages: bound, form, canonical. */
    static HistoryEntry entry(Path file, String line, String where) {
        if (line.length() + 1 > Bounds.HISTORY_LINE_BYTES) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, file + ": " + where + " is over "
                    + Bounds.HISTORY_LINE_BYTES + " bytes");
        }
        HistoryEntry e;
        try {
            e = HistoryEntry.parse(line);
        } catch (TrialbootException ex) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": " + where + " is not an entry: "
                    + ex.getMessage());
        }
        if (!e.line().equals(line)) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": " + where + " is not in canonical form");
        }
        return e;
    }

    /**
     * The hash of a line {@link #entry} accepted: its own bytes, which are its canonical form, so
     * {@link HistoryEntry#hash()} without writing the line again (a third of a whole read's time).
     */
    static Sha256 hash(String line) {
        return Sha256.of(line.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code e} carries {@code before}, the hash of the line before it ({@link HistoryEntry#GENESIS} for the first). */
    static void follows(Path file, HistoryEntry e, Sha256 before, String where, String beforeName) {
        if (!e.prev().equals(before)) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": " + where
                    + " does not carry the hash of " + beforeName + " (edited or reordered)");
        }
    }

    /**
     * Strict UTF-8: a lenient decode maps every invalid byte to U+FFFD, so bytes could be edited
     * without changing the lines the chain hashes.
     */
    static String utf8(Path file, byte[] bytes, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, from, length)).toString();
        } catch (CharacterCodingException e) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": is not UTF-8 (" + e.getMessage()
                    + "; edited outside trialboot?)");
        }
    }
}
