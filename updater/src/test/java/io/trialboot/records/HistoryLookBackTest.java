package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.trialboot.records.HistoryLogs.refused;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HistoryLog#latest}: the answer {@link HistoryLog#read} gives, reading only back to it. */
class HistoryLookBackTest {
    @TempDir
    Path dir;

    private HistoryLog log(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name + ".jsonl");
        Files.write(f, bytes);
        return new HistoryLog(f, FastStateWriter.INSTANCE);
    }

    @Test
    void answersAsTheWholeReadDoesAcrossChunks() throws IOException {
        HistoryLog log = log("big", HistoryLogs.log(700, 400)); // about 4.8 chunks
        List<HistoryEntry> all = log.read();
        for (long seq : new long[] {700, 699, 560, 421, 420, 419, 146, 145, 2, 1}) {
            assertEquals(Optional.of(all.get((int) seq - 1)), log.latest(e -> e.seq() == seq), "seq " + seq);
        }
        assertEquals(Optional.empty(), log.latest(e -> false), "none: read back to line 1, which chains to zeros");
        assertEquals(Optional.empty(), log("empty", new byte[0]).latest(e -> true));
    }

    @Test
    void readsOnlyBackToTheAnswerAndChecksWhatItReads() throws IOException {
        String text = new String(HistoryLogs.log(700, 400), StandardCharsets.UTF_8)
                .replaceFirst("\"boot_count\":2,", "\"boot_count\":9,");
        HistoryLog log = log("edited", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(600, log.latest(e -> e.seq() == 600).orElseThrow().seq(), "line 2's edit is not read");
        TrialbootException e = refused(Code.LOG_CHAIN_BROKEN, () -> log.latest(x -> x.seq() == 1));
        assertTrue(e.getMessage().contains("seq 3 does not carry the hash of the line before it"), e.getMessage());
        refused(Code.LOG_CHAIN_BROKEN, log::read);
    }

    @Test
    void refusesWhatReadRefusesOnTheWayBack() throws IOException {
        byte[] base = HistoryLogs.log(200, 400);
        String text = new String(base, StandardCharsets.UTF_8);
        HistoryLog torn = log("torn", Arrays.copyOf(base, base.length - 5));
        refused(Code.LOG_TORN, () -> torn.latest(e -> true));
        HistoryLog renumbered = log("renumbered", text.replaceFirst("\"seq\":150,", "\"seq\":151,")
                .getBytes(StandardCharsets.UTF_8));
        refused(Code.LOG_CHAIN_BROKEN, () -> renumbered.latest(e -> e.seq() == 10));
        HistoryLog firstDropped = log("first-dropped", text.substring(text.indexOf('\n') + 1)
                .getBytes(StandardCharsets.UTF_8));
        refused(Code.LOG_CHAIN_BROKEN, () -> firstDropped.latest(e -> false));
        HistoryLog oversize = log("oversize", (text + "x".repeat(Bounds.HISTORY_LINE_BYTES) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        refused(Code.HOST_INPUT_OVERSIZE, () -> oversize.latest(e -> true));
        HistoryLog longer = log("longer-than-a-chunk", (text + "y".repeat(HistoryLookBack.CHUNK + 10) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        refused(Code.HOST_INPUT_OVERSIZE, () -> longer.latest(e -> true));
    }

    @Test
    void leavesOutTheBytesOfAnInterruptedAppend() throws IOException {
        byte[] base = HistoryLogs.log(200, 400);
        byte[] next = HistoryLogs.log(201, 400);
        byte[] line = Arrays.copyOfRange(next, base.length, next.length);
        byte[] cut = Arrays.copyOf(next, base.length + line.length / 2);
        HistoryLog log = log("cut", cut);
        Files.write(HistoryIntent.beside(dir.resolve("cut.jsonl")), new HistoryIntent(base.length, line).encode());
        assertEquals(200, log.latest(e -> true).orElseThrow().seq());
    }

    @Test
    void sinceGivesTheEntriesFromWhereItStoppedToTheEndInLogOrder() throws IOException {
        HistoryLog log = log("since", HistoryLogs.log(700, 400));
        List<HistoryEntry> all = log.read();
        assertEquals(all.subList(419, 700), log.since(e -> e.seq() == 420), "across chunks");
        assertEquals(all.subList(699, 700), log.since(e -> true));
        assertEquals(all, log.since(e -> false), "none: the whole log, line 1 chained to zeros");
        List<Long> seen = new java.util.ArrayList<>();
        log.since(e -> {
            seen.add(e.seq());
            return seen.size() == 3;
        });
        assertEquals(List.of(700L, 699L, 698L), seen, "from the last backwards, each once");
        assertEquals(List.of(), log("empty-since", new byte[0]).since(e -> true));
        String text = new String(HistoryLogs.log(700, 400), StandardCharsets.UTF_8)
                .replaceFirst("\"boot_count\":2,", "\"boot_count\":9,");
        HistoryLog edited = log("edited-since", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(101, edited.since(e -> e.seq() == 600).size(), "line 2's edit is not read");
        refused(Code.LOG_CHAIN_BROKEN, () -> edited.since(e -> false));
    }
}
