package io.trialboot.records;

import static io.trialboot.records.HistoryLogs.events;
import static io.trialboot.records.HistoryLogs.log;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.FastStateWriter;
import io.trialboot.core.PowerCuts;
import io.trialboot.core.PowerCuts.Faults;
import io.trialboot.core.PowerCuts.PowerCut;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut at any step of an append ({@link HistoryIntent}) leaves its line whole or, settled by
 * the next append, absent; so does a cut while that next append settles it.
 */
class HistoryAppendPowerCutTest {
    /** What a cut append or intent write leaves of its n bytes: none, one, half, all but one. */
    private static final List<IntUnaryOperator> TEARS = List.of(n -> 0, n -> 1, n -> n / 2, n -> n - 1);

    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return HistoryLogs.file(dir, name, bytes);
    }

    @Test
    void aPowerCutAtEveryStepOfAnAppendLeavesItsLineWholeOrAbsentAndTheNextAppendWorks() throws IOException {
        for (byte[] base : List.of(new byte[0], log(3, 10), log(30, 400))) {
            List<String> before = events(file("probe", base));
            int cases = 0;
            for (IntUnaryOperator tear : TEARS) {
                for (int n = 1; ; n++) {
                    Path f = file("cut-" + base.length + "-" + cases, base);
                    if (!cutAppend(f, n, tear)) {
                        assertEquals(4, n, "an append is three steps: the intent, the line, the intent emptied");
                        break;
                    }
                    cases++;
                    String when = "log of " + base.length + " bytes, cut at step " + n + " of an append";
                    List<String> after = events(f);
                    assertTrue(after.equals(before) || after.equals(plus(before, "cut")), when + ": " + after);
                    assertEquals(after.size(), log(f).lastSeq(), when);
                    log(f).append("next", Map.of());
                    assertEquals(plus(after, "next"), events(f), when);
                    assertArrayEquals(lines(log(f).read()), Files.readAllBytes(f), when + ": the log is its lines, nothing else");
                }
            }
            assertEquals(TEARS.size() * 3, cases);
        }
    }

    /** Cut again at every step of the append that settles a cut one, and of the one after it. */
    @Test
    void aPowerCutWhileAnInterruptedAppendIsSettledLeavesItSettledOrAsItWas() throws IOException {
        byte[] base = log(30, 400);
        int cases = 0;
        for (IntUnaryOperator tear : TEARS) {
            for (int n = 1; ; n++) {
                Path f = file("double-" + cases, base);
                assertTrue(cutAppend(f, 2, n2 -> n2 / 2), "the line cut short");
                byte[] interrupted = Files.readAllBytes(f);
                if (!cutAppend(f, n, tear)) {
                    assertEquals(5, n, "settling adds one step: the bytes cut short are cut off");
                    break;
                }
                cases++;
                List<String> after = events(f);
                assertTrue(after.equals(events(file("base", base))) || after.equals(plus(events(file("base", base)), "cut")),
                        "second cut at " + n + ": " + after);
                log(f).append("next", Map.of());
                assertEquals(plus(after, "next"), events(f));
                assertTrue(Files.readAllBytes(f).length <= interrupted.length + 4096);
            }
        }
        assertEquals(TEARS.size() * 4, cases);
    }

    /** Appends "cut" with the power going at step {@code n}; false when the append ended before it. */
    private static boolean cutAppend(Path f, int n, IntUnaryOperator tear) {
        HistoryLog cutting = new HistoryLog(f, PowerCuts.writer(new Faults(n), FastStateWriter.INSTANCE, tear));
        try {
            cutting.append("cut", Map.of());
            return false;
        } catch (PowerCut expected) {
            return true;
        }
    }

    private static List<String> plus(List<String> events, String event) {
        List<String> l = new ArrayList<>(events);
        l.add(event);
        return l;
    }

    private static byte[] lines(List<HistoryEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach(e -> out.writeBytes((e.line() + "\n").getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

}
