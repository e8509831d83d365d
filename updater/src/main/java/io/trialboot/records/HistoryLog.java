package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The domain's append-only history ({@code log/history.jsonl}): one JSON line per event, numbered
 * from 1, each carrying the SHA-256 of the line before it.
 *
 * <p>An append costs one line, whatever the log's length: it reads the last two lines
 * ({@link HistoryTail}: the last complete, canonical, numbered after and chained to the one before),
 * writes its intent ({@link HistoryIntent}: the log's length and the line's bytes, fsynced), appends
 * the line and fsyncs the log, then empties the intent. It is atomic: after a power cut the log has
 * the whole line or, once settled, none of it; bytes of the line cut short are undone by the next
 * append because the intent names them, never because they look torn. {@link #read} checks the whole
 * chain; {@link #latest} and {@link #since} the lines back to what they look for. A log whose last
 * line is incomplete and not explained by the intent ({@link Code#LOG_TORN}) or whose chain does not
 * hold ({@link Code#LOG_CHAIN_BROKEN}) is reported, never trimmed or accepted; appends are refused
 * until an operator runs {@link #setTornTailAside}.
 */
public final class HistoryLog {
    private final Path file;
    private final Path intent;
    private final StateWriter writer;

    public HistoryLog(Path file, StateWriter writer) {
        this.file = Objects.requireNonNull(file, "file");
        this.intent = HistoryIntent.beside(file);
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /**
     * Every entry, after checking the whole chain. The bytes of an append a power cut interrupted
     * (named by the intent) are not part of the log; the next append removes them.
     */
    public List<HistoryEntry> read() {
        byte[] bytes = raw();
        return HistoryChain.parse(file, bytes, committedLength(bytes));
    }

    private byte[] raw() {
        return StateFiles.read(file, Bounds.HISTORY_LOG_BYTES, "history log");
    }

    /** The length of the log's {@code bytes} without an interrupted append's. */
    private int committedLength(byte[] bytes) {
        Optional<HistoryIntent> i = HistoryIntent.read(intent).filter(x -> x.cutShort(bytes.length));
        return i.isEmpty() ? bytes.length : (int) i.get().committed(bytes.length,
                Arrays.copyOfRange(bytes, (int) i.get().compareFrom(), bytes.length));
    }

    /**
     * The log's length without an interrupted append's bytes; with {@code undo}, those bytes are cut
     * off durably (the next line goes where they were).
     */
    private long settledLength(boolean undo) {
        long size = HistoryTail.size(file);
        Optional<HistoryIntent> i = HistoryIntent.read(intent).filter(x -> x.cutShort(size));
        if (i.isEmpty()) {
            return size;
        }
        long from = i.get().compareFrom();
        long committed = i.get().committed(size, HistoryTail.bytes(file, from, (int) (size - from)));
        if (undo && committed != size) {
            writer.truncate(file, committed, true);
        }
        return committed;
    }

    /**
     * Appends one event and returns it with its sequence number; {@code HOST_CONCURRENT_MODIFICATION}
     * when another writer appended after this read the log (its line is kept, this one is not
     * written). Reads the last two lines only: an edit further back is {@link #read}'s to find.
     */
    public HistoryEntry append(String event, Map<String, Object> fields) {
        long size = settledLength(true);
        HistoryEntry last = HistoryTail.last(file, size);
        HistoryEntry e = new HistoryEntry(last == null ? 1 : last.seq() + 1,
                last == null ? HistoryEntry.GENESIS : last.hash(), event, fields);
        byte[] line = (e.line() + "\n").getBytes(StandardCharsets.UTF_8);
        Bounds.check("history line", line.length, Bounds.HISTORY_LINE_BYTES);
        Bounds.check("history log", size + line.length, Bounds.HISTORY_LOG_BYTES);
        writer.overwrite(intent, new HistoryIntent(size, line).encode());
        writer.append(file, size, line);
        // Not fsynced: should the emptying be lost, the intent names a line the log holds whole, which settles nothing.
        writer.truncate(intent, 0, false);
        return e;
    }

    /**
     * The last entry {@code which} accepts, looking back from the end ({@link HistoryLookBack}): it
     * costs the lines after that entry, not the log. The lines it reads are checked as {@link #read}
     * checks them; what lies before the answer is not read ({@link #read} and {@code nx selfcheck}
     * check the whole chain).
     */
    public Optional<HistoryEntry> latest(Predicate<HistoryEntry> which) {
        return HistoryLookBack.latest(file, settledLength(false), which);
    }

    /**
     * The entries from the last one {@code stop} accepts to the end, in log order, looking back from
     * the end as {@link #latest} does; every entry (the whole chain checked) when it accepts none.
     * {@code stop} sees the entries from the last backwards, so it may keep state: bootctld's
     * start-up reads only back to what it compares boot control with (update.BootWindow).
     */
    public List<HistoryEntry> since(Predicate<HistoryEntry> stop) {
        return HistoryLookBack.since(file, settledLength(false), stop);
    }

    /** The last sequence number (0 for an empty log), from the last two lines as an append reads them. */
    public long lastSeq() {
        HistoryEntry last = HistoryTail.last(file, settledLength(false));
        return last == null ? 0 : last.seq();
    }

    /**
     * Operator repair of a {@link Code#LOG_TORN} log: the incomplete tail is handed to
     * {@code quarantine} (which keeps it durably for inspection), then the log is replaced in one
     * atomic write by its complete lines and a {@code repair} line naming where the bytes went
     * ({@code torn_bytes}, {@code quarantined}, then {@code more}). A power cut leaves the torn log
     * as it was or the repaired one with its line, never the log cut without its line. A log that is
     * not torn is left alone (an interrupted append's bytes are undone, as by an append); lines
     * before the tail that do not chain refuse with {@link Code#LOG_CHAIN_BROKEN}, nothing kept.
     */
    public Optional<HistoryEntry> setTornTailAside(Function<byte[], Path> quarantine, Map<String, Object> more) {
        settledLength(true);
        byte[] bytes = raw();
        int complete = HistoryChain.tailStart(bytes, bytes.length);
        if (complete == bytes.length) {
            return Optional.empty();
        }
        byte[] whole = Arrays.copyOf(bytes, complete);
        List<HistoryEntry> entries = HistoryChain.parse(file, whole, whole.length);
        HistoryEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        Path kept = quarantine.apply(Arrays.copyOfRange(bytes, complete, bytes.length));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("torn_bytes", (long) (bytes.length - complete));
        fields.put("quarantined", kept.getFileName().toString());
        fields.putAll(more);
        HistoryEntry e = new HistoryEntry(last == null ? 1 : last.seq() + 1,
                last == null ? HistoryEntry.GENESIS : last.hash(), HistoryEvent.REPAIR.text(), fields);
        byte[] line = (e.line() + "\n").getBytes(StandardCharsets.UTF_8);
        Bounds.check("history line", line.length, Bounds.HISTORY_LINE_BYTES);
        Bounds.check("history log", (long) complete + line.length, Bounds.HISTORY_LOG_BYTES);
        byte[] repaired = Arrays.copyOf(whole, complete + line.length);
        System.arraycopy(line, 0, repaired, complete, line.length);
        writer.replace(file, bytes, repaired);
        return Optional.of(e);
    }
}
