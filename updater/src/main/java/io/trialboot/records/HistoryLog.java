package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The domain's append-only history ({@code log/history.jsonl}): one JSON line per event, numbered
 * from 1, each carrying the SHA-256 of the line before it. An append verifies the whole chain
 * first and then replaces the file through the {@link StateWriter} (old file + one line), so it is
 * atomic: after a power cut the log has the line or it does not. A log whose last line is
 * incomplete ({@link Code#LOG_TORN}) or whose chain does not hold ({@link Code#LOG_CHAIN_BROKEN})
 * is reported, never trimmed or accepted; appends are refused until an operator runs
 * {@link #setTornTailAside}.
 */
public final class HistoryLog {
    private final Path file;
    private final StateWriter writer;

    public HistoryLog(Path file, StateWriter writer) {
        this.file = Objects.requireNonNull(file, "file");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** Every entry, after checking the chain. */
    public List<HistoryEntry> read() {
        return parse(raw());
    }

    private byte[] raw() {
        return StateFiles.read(file, Bounds.HISTORY_LOG_BYTES, "history log");
    }

    private static int tailStart(byte[] bytes) {
        int i = bytes.length;
        while (i > 0 && bytes[i - 1] != '\n') {
            i--;
        }
        return i;
    }

    private List<HistoryEntry> parse(byte[] bytes) {
        int complete = tailStart(bytes);
        List<String> lines = complete == 0 ? List.of()
                : Arrays.asList(utf8(bytes, complete - 1).split("\n", -1));
        if (complete != bytes.length) {
            throw new TrialbootException(Code.LOG_TORN, file + ": line " + (lines.size() + 1) + " is incomplete ("
                    + (bytes.length - complete) + " bytes after the last newline; a power cut during a write?)");
        }
        List<HistoryEntry> entries = new ArrayList<>();
        HistoryEntry before = null;
        for (String line : lines) {
            long n = entries.size() + 1;
            if (line.length() + 1 > Bounds.HISTORY_LINE_BYTES) {
                throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, file + ": line " + n + " is over "
                        + Bounds.HISTORY_LINE_BYTES + " bytes");
            }
            HistoryEntry e;
            try {
                e = HistoryEntry.parse(line);
            } catch (TrialbootException ex) {
                throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line " + n + " is not an entry: "
                        + ex.getMessage());
            }
            if (e.seq() != n) {
                throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line " + n + " has seq " + e.seq());
            }
            if (!e.line().equals(line)) {
                throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line " + n + " is not in canonical form");
            }
            if (!e.prev().equals(before == null ? HistoryEntry.GENESIS : before.hash())) {
                throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": line " + n
                        + " does not carry the hash of line " + (n - 1) + " (edited or reordered)");
            }
            entries.add(e);
            before = e;
        }
        return entries;
    }

    /**
     * Strict UTF-8: a lenient decode maps every invalid byte to U+FFFD, so bytes could be edited
     * without changing the lines the chain hashes.
     */
    private String utf8(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new TrialbootException(Code.LOG_CHAIN_BROKEN, file + ": is not UTF-8 (" + e.getMessage()
                    + "; edited outside trialboot?)");
        }
    }

    /**
     * Appends one event and returns it with its sequence number; {@code HOST_CONCURRENT_MODIFICATION}
     * when another writer appended after this read the log (its line is kept, this one is not written).
     */
    public HistoryEntry append(String event, Map<String, Object> fields) {
        byte[] bytes = raw();
        List<HistoryEntry> entries = parse(bytes);
        HistoryEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        HistoryEntry e = new HistoryEntry(last == null ? 1 : last.seq() + 1,
                last == null ? HistoryEntry.GENESIS : last.hash(), event, fields);
        byte[] line = (e.line() + "\n").getBytes(StandardCharsets.UTF_8);
        Bounds.check("history line", line.length, Bounds.HISTORY_LINE_BYTES);
        Bounds.check("history log", (long) bytes.length + line.length, Bounds.HISTORY_LOG_BYTES);
        byte[] next = Arrays.copyOf(bytes, bytes.length + line.length);
        System.arraycopy(line, 0, next, bytes.length, line.length);
        writer.replace(file, bytes, next);
        return e;
    }

    /** The last sequence number (0 for an empty log). */
    public long lastSeq() {
        List<HistoryEntry> entries = read();
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
    }

    /**
     * Operator repair of a {@link Code#LOG_TORN} log: the incomplete tail is handed to
     * {@code quarantine} (which keeps it for inspection) and cut off; the log then records a
     * {@code repair} event naming where the bytes went. A log that is not torn is left alone.
     */
    public Optional<HistoryEntry> setTornTailAside(Function<byte[], Path> quarantine) {
        byte[] bytes = raw();
        int complete = tailStart(bytes);
        if (complete == bytes.length) {
            return Optional.empty();
        }
        byte[] whole = Arrays.copyOf(bytes, complete);
        parse(whole);
        Path kept = quarantine.apply(Arrays.copyOfRange(bytes, complete, bytes.length));
        writer.replace(file, bytes, whole);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("torn_bytes", (long) (bytes.length - complete));
        fields.put("quarantined", kept.getFileName().toString());
        return Optional.of(append(HistoryEvent.REPAIR.text(), fields));
    }
}
