package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * What an append reads of the history: its last two lines, at most {@code 2 * HISTORY_LINE_BYTES + 1}
 * bytes from the end, whatever the log's length. The last line must be complete and an entry in
 * canonical form, and carry the hash of the line before it with the seq after it; a log that fits
 * in those bytes is checked whole. What lies further back is {@link HistoryLog#read}'s to check.
 */
final class HistoryTail {
    /** Two lines at their bound and the newline before them. */
    static final int WINDOW = 2 * Bounds.HISTORY_LINE_BYTES + 1;

    private HistoryTail() {}

    /** The log's length ({@code HOST_NOT_FOUND} when it is missing). */
    static long size(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.size();
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "history log not found: " + file);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read history log " + file + ": " + IoFailure.reason(e), e);
        }
    }

    /** {@code length} bytes of the log from {@code from}. */
    static byte[] bytes(Path file, long from, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new TrialbootException(Code.HOST_CONCURRENT_MODIFICATION, file + " became shorter than "
                            + (from + length) + " bytes while it was read: another writer; read it again");
                }
            }
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "history log not found: " + file);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read history log " + file + ": " + IoFailure.reason(e), e);
        }
        return buf.array();
    }

    /** The last entry of the log's first {@code size} bytes; null when there are none. */
    static HistoryEntry last(Path file, long size) {
        Bounds.check("history log (" + file + ")", size, Bounds.HISTORY_LOG_BYTES);
        if (size <= WINDOW) {
            List<HistoryEntry> all = HistoryChain.parse(file, bytes(file, 0, (int) size), (int) size);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
        byte[] w = bytes(file, size - WINDOW, WINDOW);
        int end = w.length;
        if (w[end - 1] != '\n') {
            throw new TrialbootException(Code.LOG_TORN, file + ": the last line is incomplete ("
                    + (end - HistoryChain.tailStart(w, end)) + " bytes after the last newline, at byte " + size
                    + "; a power cut during a write?)");
        }
        int lastStart = HistoryChain.tailStart(w, end - 1);
        int beforeStart = HistoryChain.tailStart(w, Math.max(0, lastStart - 1));
        if (end - lastStart > Bounds.HISTORY_LINE_BYTES) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, file + ": the last line is over "
                    + Bounds.HISTORY_LINE_BYTES + " bytes");
        }
        if (beforeStart == 0) { // no newline before it within two lines' bound
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, file + ": the line before the last is over "
                    + Bounds.HISTORY_LINE_BYTES + " bytes");
        }
        String beforeLine = HistoryChain.utf8(file, w, beforeStart, lastStart - 1 - beforeStart);
        HistoryEntry before = HistoryChain.entry(file, beforeLine, "the line before the last");
        HistoryEntry last = HistoryChain.entry(file, HistoryChain.utf8(file, w, lastStart, end - 1 - lastStart),
                "the last line");
        if (last.seq() != before.seq() + 1) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": the last line has seq " + last.seq()
                    + " after seq " + before.seq());
        }
        HistoryChain.follows(file, last, HistoryChain.hash(beforeLine), "the last line (seq " + last.seq() + ")",
                "the line before it");
        return last;
    }
}
