package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Looks back from the end of the history for the last entry a question accepts, reading chunks of
 * {@link #CHUNK} bytes from the end until it is found: the cost is the lines after it, not the log
 * ({@link #latest}: that entry; {@link #since}: it and every entry after it).
 * Every line it reads is checked as {@link HistoryLog#read} checks it (an entry in canonical form,
 * numbered one before and hashed into the line after it; the log's first line numbered 1 and
 * chained to 64 zeros), the last line complete; what lies before the answer is not read.
 */
final class HistoryLookBack {
    /** Bytes read at a time: many lines, and more than one at its bound. */
    static final int CHUNK = 64 * 1024;

    private HistoryLookBack() {}

    /** The last entry of the log's first {@code size} bytes that {@code which} accepts. */
    static Optional<HistoryEntry> latest(Path file, long size, Predicate<HistoryEntry> which) {
        HistoryEntry[] found = new HistoryEntry[1];
        back(file, size, e -> {
            found[0] = which.test(e) ? e : null;
            return found[0] != null;
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The entries of the log's first {@code size} bytes from the last one {@code stop} accepts to the
     * end, in log order; every entry when it accepts none. {@code stop} sees the entries from the last
     * backwards, each once, so it may keep state (what it has found so far).
     */
    static List<HistoryEntry> since(Path file, long size, Predicate<HistoryEntry> stop) {
        List<HistoryEntry> read = new ArrayList<>();
        back(file, size, e -> {
            read.add(e);
            return stop.test(e);
        });
        Collections.reverse(read);
        return read;
    }

    /** Hands each entry, checked, to {@code visit} from the last backwards, until it answers true. */
    private static void back(Path file, long size, Predicate<HistoryEntry> visit) {
        Bounds.check("history log (" + file + ")", size, Bounds.HISTORY_LOG_BYTES);
        if (size == 0) {
            return;
        }
        if (HistoryTail.bytes(file, size - 1, 1)[0] != '\n') {
            throw new TrialbootException(Code.LOG_TORN, file + ": the last line is incomplete (no newline at byte "
                    + size + "; a power cut during a write?)");
        }
        HistoryEntry after = null; // the line after the ones still to read, checked
        long end = size; // bytes [0, end) are still to read; end follows a newline
        while (end > 0) {
            long from = Math.max(0, end - CHUNK);
            byte[] b = HistoryTail.bytes(file, from, (int) (end - from));
            int first = 0; // where the first whole line of this chunk starts
            if (from > 0) {
                while (b[first] != '\n') {
                    first++;
                }
                if (++first == b.length) {
                    throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, file + ": the line ending at byte " + end
                            + " is over " + Bounds.HISTORY_LINE_BYTES + " bytes");
                }
            }
            for (int lineEnd = b.length - 1; lineEnd >= first; ) {
                int start = HistoryChain.tailStart(b, lineEnd);
                String line = HistoryChain.utf8(file, b, start, lineEnd - start);
                HistoryEntry e = HistoryChain.entry(file, line,
                        after == null ? "the last line" : "the line before seq " + after.seq());
                if (after != null) {
                    if (after.seq() != e.seq() + 1) {
                        throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": seq " + after.seq()
                                + " follows seq " + e.seq());
                    }
                    HistoryChain.follows(file, after, HistoryChain.hash(line), "seq " + after.seq(), "the line before it");
                }
                if (visit.test(e)) {
                    return;
                }
                after = e;
                lineEnd = start - 1;
            }
            end = from + first;
        }
        if (after.seq() != 1) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line 1 has seq " + after.seq());
        }
        HistoryChain.follows(file, after, HistoryEntry.GENESIS, "line 1", "nothing (64 zeros)");
    }
}
