package io.trialboot.records;

import io.trialboot.core.StateWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code scripts/bench-history}'s timing: {@code appends} durable appends ({@link StateWriter#DURABLE},
 * as bootctld and every update step make them) to a log first filled to {@code bytes}. Only API
 * that both the new and the old {@link HistoryLog} have, so the script runs it against either.
 * Prints one line: {@code <bytes> <lines> <median ms> <min ms> <max ms>}.
 */
public final class HistoryAppendBench {
    private HistoryAppendBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        int appends = Integer.parseInt(args[2]);
        Path file = dir.resolve("history.jsonl");
        byte[] log = bootLines(bytes);
        long seq = lines(log);
        Files.write(file, log);
        HistoryLog history = new HistoryLog(file, StateWriter.DURABLE);
        double[] ms = new double[appends];
        for (int i = 0; i < appends; i++) {
            long t0 = System.nanoTime();
            history.append("boot", fields(seq + 1 + i));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%d %d %.2f %.2f %.2f%n", log.length, seq, ms[appends / 2], ms[0], ms[appends - 1]);
    }

    /** A history of chained boot lines as bootctld writes them, {@code bytes} long at least (BootBench's too). */
    public static byte[] bootLines(long bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HistoryEntry before = null;
        long seq = 0;
        while (out.size() < bytes) {
            before = new HistoryEntry(++seq, before == null ? HistoryEntry.GENESIS : before.hash(), "boot",
                    fields(seq));
            out.writeBytes((before.line() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The lines of {@code log}. */
    public static long lines(byte[] log) {
        long n = 0;
        for (byte b : log) {
            n += b == '\n' ? 1 : 0;
        }
        return n;
    }

    /** A boot line's fields, as BootRecovery writes them (about 190 bytes a line). */
    static Map<String, Object> fields(long boot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", "a");
        m.put("boot_count", boot);
        m.put("mode", "normal");
        m.put("tries_left", 0L);
        m.put("at", "2026-12-07T17:40:07.123456Z");
        return m;
    }
}
