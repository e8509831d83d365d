package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.core.StateWriter;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link HistoryLog#read}: every line canonical and chained, so a log it accepts is exactly its
 * entries' lines, byte for byte (an edit the reader let through would break tamper evidence).
 */
class HistoryLogFuzzTest {
    private static final Path FILE = tempFile();

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
