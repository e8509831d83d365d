package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The history tests' logs: chained lines as the writer makes them, put in a file and read back. */
final class HistoryLogs {
    private HistoryLogs() {
    }

    /** A chained log of {@code lines} lines, each padded by {@code pad} bytes, as the writer makes it. */
    static byte[] log(int lines, int pad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HistoryEntry before = null;
        for (int i = 1; i <= lines; i++) {
            HistoryEntry e = new HistoryEntry(i, before == null ? HistoryEntry.GENESIS : before.hash(), "boot",
                    HistoryFields.of("boot_count", i).and("pad", "p".repeat(pad)).map());
            out.writeBytes((e.line() + "\n").getBytes(StandardCharsets.UTF_8));
            before = e;
        }
        return out.toByteArray();
    }

    /** {@code bytes} as {@code dir/name/history.jsonl}, a directory of its own (its intent beside it). */
    static Path file(Path dir, String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name).resolve("history.jsonl");
        Files.createDirectories(f.getParent());
        Files.write(f, bytes);
        return f;
    }

    static HistoryLog log(Path f) {
        return new HistoryLog(f, FastStateWriter.INSTANCE);
    }

    static List<String> events(Path f) {
        return log(f).read().stream().map(HistoryEntry::event).toList();
    }

    /** {@code r} refused with {@code code}; the exception, for its message. */
    static TrialbootException refused(Code code, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }
}
