package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryLogTest {
    @TempDir
    Path dir;
    Path file;
    HistoryLog log;

    @BeforeEach
    void empty() throws IOException {
        file = dir.resolve("history.jsonl");
        Files.write(file, new byte[0]);
        log = new HistoryLog(file, StateWriter.DURABLE);
    }

    private static Map<String, Object> fields(String slot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", slot);
        m.put("boot", 3L);
        return m;
    }

    @Test
    void appendsNumberedChainedLines() throws IOException {
        HistoryEntry a = log.append("apply", fields("b"));
        HistoryEntry b = log.append("switch", fields("b"));
        assertEquals(1, a.seq());
        assertEquals(HistoryEntry.GENESIS, a.prev());
        assertEquals(a.hash(), b.prev());
        assertEquals(List.of(a, b), log.read());
        assertEquals(2, log.lastSeq());
        assertEquals("{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"event\":\"apply\",\"slot\":\"b\",\"boot\":3}",
                Files.readAllLines(file).get(0));
    }

    @Test
    void tornLastLineIsReportedAndBlocksAppends() throws IOException {
        log.append("apply", fields("b"));
        Files.write(file, "{\"seq\":2,\"pr".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        TrialbootException e = assertThrows(TrialbootException.class, log::read);
        assertEquals(Code.LOG_TORN, e.code());
        assertTrue(e.getMessage().contains("line 2 is incomplete (12 bytes"), e.getMessage());
        assertEquals(Code.LOG_TORN, assertThrows(TrialbootException.class, () -> log.append("x", Map.of())).code());
    }

    @Test
    void operatorRepairQuarantinesTheTornTailAndRecordsIt() throws IOException {
        log.append("apply", fields("b"));
        Files.write(file, "{\"seq\":2".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        Path kept = dir.resolve("torn");
        Optional<HistoryEntry> repair = log.setTornTailAside(bytes -> {
            StateWriter.DURABLE.write(kept, bytes);
            return kept;
        }, Map.of());
        assertEquals("repair", repair.orElseThrow().event());
        assertEquals(2, repair.get().seq());
        assertEquals("{\"seq\":2", Files.readString(kept));
        assertEquals(2, log.read().size());
        assertEquals(Optional.empty(), log.setTornTailAside(bytes -> kept, Map.of()));
    }

    @Test
    void editedLineBreaksTheChain() throws IOException {
        log.append("apply", fields("b"));
        log.append("switch", fields("b"));
        String text = Files.readString(file).replaceFirst("\"slot\":\"b\"", "\"slot\":\"a\"");
        Files.writeString(file, text);
        TrialbootException e = assertThrows(TrialbootException.class, log::read);
        assertEquals(Code.LOG_CHAIN_BROKEN, e.code());
        assertTrue(e.getMessage().contains("line 2 does not carry the hash of line 1"), e.getMessage());
    }

    /** Fuzz finding: invalid UTF-8 decoded to U+FFFD, so the bytes could change under an intact chain. */
    @Test
    void bytesThatAreNotUtf8BreakTheChain() throws IOException {
        log.append("apply", fields("\uFFFD"));
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.substring(0, text.indexOf('\uFFFD')).getBytes(StandardCharsets.UTF_8).length;
        // U+FFFD is EF BF BD; one invalid byte in its place decoded to the same line before.
        byte[] edited = new byte[bytes.length - 2];
        System.arraycopy(bytes, 0, edited, 0, at);
        edited[at] = (byte) 0x8a;
        System.arraycopy(bytes, at + 3, edited, at + 1, bytes.length - at - 3);
        Files.write(file, edited);
        TrialbootException e = assertThrows(TrialbootException.class, log::read);
        assertEquals(Code.LOG_CHAIN_BROKEN, e.code());
        assertTrue(e.getMessage().contains(": is not UTF-8"), e.getMessage());
    }

    @Test
    void droppedLineBreaksTheChain() throws IOException {
        log.append("apply", fields("b"));
        log.append("switch", fields("b"));
        log.append("boot", fields("b"));
        List<String> lines = Files.readAllLines(file);
        Files.write(file, List.of(lines.get(0), lines.get(2)));
        TrialbootException e = assertThrows(TrialbootException.class, log::read);
        assertEquals(Code.LOG_CHAIN_BROKEN, e.code());
        assertTrue(e.getMessage().contains("line 2 has seq 3"), e.getMessage());
    }

    @Test
    void garbageLineIsReported() throws IOException {
        Files.writeString(file, "not json\n");
        assertEquals(Code.LOG_CHAIN_BROKEN, assertThrows(TrialbootException.class, log::read).code());
    }
}
