package io.trialboot.records;

import static io.trialboot.records.HistoryLogs.log;
import static io.trialboot.records.HistoryLogs.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append costs one line ({@link HistoryTail}, {@link HistoryIntent}): what it reads and writes
 * does not grow with the log, what it can see of a torn or broken tail it refuses, and an intent
 * explains only its own line. Power cuts during an append: {@link HistoryAppendPowerCutTest}.
 */
class HistoryAppendTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return HistoryLogs.file(dir, name, bytes);
    }

    /** Counts what passes through the writer: an append near the bound writes one line and its intent. */
    @Test
    void anAppendToAnEightMebibyteLogWritesOneLineAndItsIntent() throws IOException {
        byte[] big = log(8 * 1024 * 1024 / 450, 400);
        Path f = file("big", big);
        long[] written = new long[1];
        StateWriter counting = new StateWriter() {
            @Override
            public void write(Path file, byte[] content) {
                written[0] += content.length;
                FastStateWriter.INSTANCE.write(file, content);
            }

            @Override
            public void delete(Path file) {
                FastStateWriter.INSTANCE.delete(file);
            }

            @Override
            public void append(Path file, long at, byte[] bytes) {
                written[0] += bytes.length;
                FastStateWriter.INSTANCE.append(file, at, bytes);
            }

            @Override
            public void overwrite(Path file, byte[] content) {
                written[0] += content.length;
                FastStateWriter.INSTANCE.overwrite(file, content);
            }

            @Override
            public void truncate(Path file, long length, boolean durable) {
                FastStateWriter.INSTANCE.truncate(file, length, durable);
            }
        };
        HistoryEntry e = new HistoryLog(f, counting).append("boot", Map.of("slot", "a"));
        int line = e.line().length() + 1;
        assertTrue(written[0] <= 2L * line + 100, written[0] + " bytes written for a line of " + line);
        assertEquals(big.length + line, Files.size(f));
        assertEquals(e, log(f).read().get((int) e.seq() - 1));
    }

    /** What an append checks: the last two lines. An edit further back is left to the whole read. */
    @Test
    void anAppendReadsOnlyTheLastTwoLinesAndTheWholeReadStillFindsAnEditFurtherBack() throws IOException {
        byte[] big = log(100, 400);
        String text = new String(big, StandardCharsets.UTF_8).replaceFirst("\"boot_count\":2,", "\"boot_count\":7,");
        Path f = file("edited", text.getBytes(StandardCharsets.UTF_8));
        log(f).append("boot", Map.of());
        TrialbootException e = refused(Code.LOG_CHAIN_BROKEN, () -> log(f).read());
        assertTrue(e.getMessage().contains("line 3 does not carry the hash of line 2"), e.getMessage());
    }

    @Test
    void anAppendRefusesWhatItSeesOfABrokenTail() throws IOException {
        for (byte[] base : List.of(log(3, 10), log(30, 400))) {
            String text = new String(base, StandardCharsets.UTF_8);
            List<String> lines = List.of(text.split("\n"));
            String last = lines.get(lines.size() - 1);
            String second = lines.get(lines.size() - 2);
            String head = text.substring(0, text.length() - last.length() - second.length() - 2);
            assertTornOrBroken(Code.LOG_CHAIN_BROKEN, "second-last edited", head + second.replace("pp", "pq") + "\n" + last + "\n");
            assertTornOrBroken(Code.LOG_CHAIN_BROKEN, "last renumbered", head + second + "\n"
                    + last.replaceFirst("\"seq\":(\\d+)", "\"seq\":99") + "\n");
            assertTornOrBroken(Code.LOG_CHAIN_BROKEN, "last not canonical", head + second + "\n" + last.replace(",", ", ") + "\n");
            assertTornOrBroken(Code.LOG_CHAIN_BROKEN, "last dropped, second-last kept twice", head + second + "\n" + second + "\n");
            assertTornOrBroken(Code.LOG_CHAIN_BROKEN, "garbage last", head + second + "\n" + "not json\n");
            assertTornOrBroken(Code.LOG_TORN, "torn last", head + second + "\n" + last.substring(0, 40));
            assertTornOrBroken(Code.HOST_INPUT_OVERSIZE, "oversize last", head + second + "\n"
                    + "x".repeat(Bounds.HISTORY_LINE_BYTES + 1) + "\n");
        }
    }

    private void assertTornOrBroken(Code code, String what, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Path f = file(what.replace(' ', '-') + bytes.length, bytes);
        refused(code, () -> log(f).append("boot", Map.of()));
        refused(code, () -> log(f).read());
        assertArrayEquals(bytes, Files.readAllBytes(f), what + ": nothing written, nothing trimmed");
    }

    @Test
    void aLineThatWouldTakeTheLogPastItsBoundIsRefusedWithNothingWritten() throws IOException {
        byte[] line = log(1, 10);
        byte[] near = new byte[(int) Bounds.HISTORY_LOG_BYTES - line.length / 2];
        System.arraycopy(line, 0, near, 0, line.length);
        Arrays.fill(near, line.length, near.length - 1, (byte) ' ');
        near[near.length - 1] = '\n';
        Path f = file("bound", near);
        Files.write(f, Arrays.copyOf(near, near.length)); // one padded line: the tail's checks come first
        refused(Code.HOST_INPUT_OVERSIZE, () -> log(f).append("boot", Map.of()));
        assertEquals(near.length, Files.size(f));
    }

    /** A tail the intent does not name stays an unknown tail: reported, never trimmed. */
    @Test
    void anIntentExplainsOnlyTheBytesOfItsOwnLineAtALineStart() throws IOException {
        byte[] base = log(3, 10);
        byte[] next = log(4, 10);
        byte[] line4 = Arrays.copyOfRange(next, base.length, next.length);
        HistoryIntent own = new HistoryIntent(base.length, line4);
        assertTorn("foreign bytes", concat(base, "{\"seq\":4,\"prev\":\"0".getBytes(StandardCharsets.UTF_8)), own.encode());
        byte[] torn = own.encode();
        torn[torn.length - 2] ^= 1;
        assertTorn("torn intent", concat(base, Arrays.copyOf(line4, 30)), torn);
        assertTorn("no intent", concat(base, Arrays.copyOf(line4, 30)), new byte[0]);
        // An intent pointing into line 3, its "line" the rest of line 3 and more: offset is not a line start.
        int inside = base.length - 20;
        byte[] spanning = concat(Arrays.copyOfRange(base, inside, base.length - 1), line4);
        assertTorn("offset inside a line", Arrays.copyOf(base, base.length - 1), new HistoryIntent(inside, spanning).encode());

        Path f = file("own", concat(base, Arrays.copyOf(line4, 30)));
        Files.write(HistoryIntent.beside(f), own.encode());
        assertEquals(3, log(f).read().size(), "the bytes of the append cut short are not part of the log");
        assertEquals(3, log(f).lastSeq());
        assertEquals(java.util.Optional.empty(), log(f).setTornTailAside(b -> fail("not torn: settled"), java.util.Map.of()));
        assertArrayEquals(base, Files.readAllBytes(f));
    }

    private void assertTorn(String what, byte[] bytes, byte[] intent) throws IOException {
        Path f = file(what.replace(' ', '-'), bytes);
        Files.write(HistoryIntent.beside(f), intent);
        refused(Code.LOG_TORN, () -> log(f).read());
        refused(Code.LOG_TORN, () -> log(f).append("boot", Map.of()));
        assertArrayEquals(bytes, Files.readAllBytes(f), what + ": nothing trimmed");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** An intent whose emptying a cut undid names a whole line: it settles nothing. */
    @Test
    void anIntentOfAnAppendThatCompletedChangesNothing() throws IOException {
        byte[] base = log(3, 10);
        byte[] next = log(4, 10);
        Path f = file("done", next);
        Files.write(HistoryIntent.beside(f), new HistoryIntent(base.length,
                Arrays.copyOfRange(next, base.length, next.length)).encode());
        assertEquals(4, log(f).read().size());
        log(f).append("boot", Map.of());
        assertEquals(5, log(f).read().size());
        assertEquals(0, Files.size(HistoryIntent.beside(f)), "emptied after the append");
    }

    /** A log an older build wrote (no intent, its replace's temp file left by a cut) appends as before. */
    @Test
    void aLogAnOlderBuildWroteAppends() throws IOException {
        Path f = file("old", log(30, 400));
        Files.write(f.resolveSibling(".history.jsonl.tmp"), Arrays.copyOf(log(31, 400), 100));
        log(f).append("boot", Map.of());
        assertEquals(31, log(f).read().size());
    }
}
