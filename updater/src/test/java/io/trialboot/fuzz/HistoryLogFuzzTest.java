package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.core.Bounds;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.StateWriter;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link HistoryLog#read}: every line canonical and chained, so a log it accepts is exactly its
 * entries' lines, byte for byte (an edit the reader let through would break tamper evidence).
 * {@link HistoryLog#append} over a log and an append intent beside it: it appends exactly one line
 * after what the log held, less only bytes an interrupted append left (never more than a line).
 */
class HistoryLogFuzzTest {
    private static final Path FILE = tempFile();
    private static final Path INTENT = FILE.resolveSibling(FILE.getFileName() + ".intent");

    static {
        INTENT.toFile().deleteOnExit();
    }

    @FuzzTest
    void read(byte[] input) throws Exception {
        Files.write(FILE, input);
        Oracle.outcome(() -> new HistoryLog(FILE, StateWriter.DURABLE).read()).ifPresent(entries -> {
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            for (HistoryEntry e : entries) {
                again.writeBytes((e.line() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertArrayEquals(input, again.toByteArray(), "the entries read are not the bytes of the log");
        });
    }

    /** The log's bytes, then (after the first zero byte, if any) the intent's. */
    @FuzzTest
    void append(byte[] input) throws Exception {
        int zero = 0;
        while (zero < input.length && input[zero] != 0) {
            zero++;
        }
        byte[] log = Arrays.copyOf(input, zero);
        Files.write(FILE, log);
        if (zero < input.length) {
            Files.write(INTENT, Arrays.copyOfRange(input, zero + 1, input.length));
        } else {
            Files.deleteIfExists(INTENT);
        }
        HistoryLog history = new HistoryLog(FILE, FastStateWriter.INSTANCE);
        Optional<List<HistoryEntry>> before = Oracle.outcome(history::read);
        Optional<HistoryEntry> appended = Oracle.outcome(() -> history.append("fuzz", Map.of()));
        byte[] after = Files.readAllBytes(FILE);
        int kept = appended.map(e -> after.length - (e.line().length() + 1)).orElse(after.length);
        assertTrue(kept >= 0 && kept <= log.length && kept >= log.length - Bounds.HISTORY_LINE_BYTES,
                "the append cut the log from " + log.length + " to " + kept + " bytes");
        assertArrayEquals(Arrays.copyOf(log, kept), Arrays.copyOf(after, kept), "bytes before the append changed");
        if (appended.isPresent() && before.isPresent()) {
            List<HistoryEntry> want = new ArrayList<>(before.get());
            want.add(appended.get());
            assertEquals(want, history.read(), "the append is not the read log and one line");
        }
    }

    private static Path tempFile() {
        try {
            Path p = Files.createTempFile("history-fuzz", ".jsonl");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
