package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {
    private static final long QUIET = 300_000_000L;
    private final LineAssembler lines = new LineAssembler(QUIET);

    private List<String> feed(String s, long now) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return lines.accept(b, b.length, now);
    }

    @Test
    void splitsCrlfOutputIntoLines() {
        assertEquals(List.of("OpenSBI v1.1", "", "bootctld: ready"), feed("OpenSBI v1.1\r\n\r\nbootctld: ready\r\n", 0));
    }

    @Test
    void joinsALineSplitAcrossReads() {
        assertEquals(List.of(), feed("updated: re", 0));
        assertEquals(List.of("updated: ready"), feed("ady\r\n", 1));
    }

    @Test
    void flushesAPromptOnlyAfterTheQuietPeriod() {
        feed("~ # ", 1_000);
        assertEquals(Optional.empty(), lines.flushIfQuiet(1_000 + QUIET - 1));
        assertEquals(Optional.of("~ # "), lines.flushIfQuiet(1_000 + QUIET));
        assertEquals(Optional.empty(), lines.flushIfQuiet(1_000 + 2 * QUIET));
        // the echo of a typed command then starts a line of its own
        assertEquals(List.of("nx status"), feed("nx status\r\n", 2 * QUIET));
    }

    @Test
    void theNxPromptIsALineAtOnce() {
        assertEquals(List.of("updated: GetStatus -> HOST_OK", "trialboot# "), feed("updated: GetStatus -> HOST_OK\r\ntrialboot# ", 0));
        assertEquals(List.of("nx history"), feed("nx history\r\n", 1), "the echo of the next command is a line of its own");
    }

    @Test
    void theNxPromptWithMoreOnItsLineInTheSameReadIsOneLine() {
        assertEquals(List.of("trialboot# nx status"), feed("trialboot# nx status\r\n", 0));
        assertEquals(List.of(), feed("trialboot", 1));
        assertEquals(List.of("trialboot# "), feed("# ", 2), "the prompt split across reads is a line once whole");
        assertEquals(List.of(), feed("xtrialboot# ", 3), "only the prompt alone on its line");
    }

    @Test
    void aLineTheGuestStallsInIsNoPromptAndWaitsForItsNewline() {
        feed("history: #13 apply release=rel-1.1.0@5e7d6fe3b259 slot=b kind=full sha256=ee2d434a9", 0);
        assertEquals(Optional.empty(), lines.flushIfQuiet(10 * QUIET), "a stall mid-line cut a history entry in two");
        assertEquals(List.of("history: #13 apply release=rel-1.1.0@5e7d6fe3b259 slot=b kind=full sha256=ee2d434a9b2cd2"),
                feed("b2cd2\r\n", 10 * QUIET + 1));
        feed("update: ", 20 * QUIET);
        assertEquals(Optional.empty(), lines.flushIfQuiet(30 * QUIET));
        feed("ok\r\n# ", 30 * QUIET);
        assertEquals(Optional.of("# "), lines.flushIfQuiet(31 * QUIET));
        feed("$ ", 40 * QUIET);
        assertEquals(Optional.of("$ "), lines.flushIfQuiet(41 * QUIET));
        feed("> ", 50 * QUIET);
        assertEquals(Optional.of("> "), lines.flushIfQuiet(51 * QUIET));
    }

    @Test
    void newBytesRestartTheQuietPeriod() {
        feed("~ ", 0);
        feed("# ", QUIET - 1);
        assertEquals(Optional.empty(), lines.flushIfQuiet(QUIET + 1));
        assertEquals(Optional.of("~ # "), lines.flushIfQuiet(2 * QUIET - 1));
    }

    @Test
    void cutsARunawayLineAtTheBound() {
        List<String> out = feed("x".repeat(LineAssembler.MAX_LINE + 5) + "\n", 0);
        assertEquals(2, out.size());
        assertEquals(LineAssembler.MAX_LINE, out.get(0).length());
        assertEquals("xxxxx", out.get(1));
    }

    @Test
    void decodesUtf8SplitAcrossReads() {
        byte[] e = "é\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), lines.accept(e, 1, 0));
        assertEquals(List.of("é"), lines.accept(new byte[] {e[1], e[2]}, 2, 0));
    }

    @Test
    void dropsTerminalEscapeSequencesEvenAcrossReads() {
        assertEquals(List.of(), feed("\u001b[6n~ # \u001b", 0));
        assertEquals(List.of("~ # ok"), feed("[1;32mok\u001b[0m\u001b7\r\n", 0));
        assertEquals(List.of("cut", "next", "x"), feed("cut\u001b[12\nnext\u001b\nx\n", 0));
    }

    @Test
    void finishReturnsTheRest() {
        feed("panic", 0);
        assertEquals(Optional.of("panic"), lines.finish());
        assertEquals(Optional.empty(), lines.finish());
    }

    @Test
    void rejectsNonPositiveQuietPeriod() {
        assertThrows(IllegalArgumentException.class, () -> new LineAssembler(0));
    }
}
