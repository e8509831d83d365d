package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractMatcher;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static ConsoleLine line(long ms, int boot, String text) {
        return new ConsoleLine(Duration.ofMillis(ms), boot, text);
    }

    private final ConsoleLine banner1 = line(100, 1, "OpenSBI v1.1");
    private final ConsoleLine ready = line(2_000, 1, "bootctld: ready");
    private final ConsoleLine noise = line(2_500, 1, "random <script> & noise");
    private final ConsoleLine banner2 = line(5_000, 2, "OpenSBI v1.1");
    private final ConsoleLine apply = line(9_000, 2, "update: apply ok slot=b kind=full");
    private final List<ConsoleLine> lines = List.of(banner1, ready, noise, banner2, apply);
    private final Timeline.Page page = new Timeline.Page("OtaIT / cycle", "QEMU exited with code 0", "2.5 (system property)", false);

    private static List<Timeline.Mark> run(String contract, List<ConsoleLine> lines) {
        ContractMatcher m = new ContractMatcher(Contract.parse("c", contract), 2.0);
        lines.forEach(m::offer);
        m.endOfInput();
        return Timeline.marks(m, UnaryOperator.identity(), Duration.ZERO, line(9_500, 2, "(input ended)"));
    }

    @Test
    void marksMetStepsWithTheirWindowDeadlineAndMargin() {
        List<Timeline.Mark> marks = run("boot 1\nexpect 10s BOOTCTLD_READY\nboot 2\nexpect 5s UPDATE_APPLY_OK b full\n", lines);
        assertEquals(2, marks.size());
        Timeline.Mark first = marks.get(0);
        assertEquals(Timeline.Kind.MET, first.kind());
        assertEquals("c #1 bootctld: ready", first.label());
        assertEquals(Duration.ZERO, first.since());
        assertEquals(Duration.ofSeconds(20), first.deadline(), "10 s x scale 2");
        assertEquals("took 2.0 s of 20.0 s, margin 18.0 s", first.note());
        Timeline.Mark second = marks.get(1);
        assertEquals(Duration.ofSeconds(2), second.since(), "the window opens at the previous match");
        assertEquals(Duration.ofSeconds(12), second.deadline());
        assertEquals("took 7.0 s of 10.0 s, margin 3.0 s", second.note());
    }

    @Test
    void aFailedStepIsRedAtTheMomentItFailedWithItsDeadline() {
        List<Timeline.Mark> marks = run("boot 1\nexpect 10s BOOTCTLD_READY\nexpect 10s UPDATED_READY\n", lines);
        Timeline.Mark failed = marks.get(1);
        assertEquals(Timeline.Kind.FAILED, failed.kind());
        assertEquals("c #2 updated: ready", failed.label());
        assertEquals(Duration.ofSeconds(22), failed.deadline());
        assertTrue(failed.note().startsWith("contract 'c' failed at step 2 of 2 (boot 1): marker 'updated: ready' not seen in boot 1"),
                failed.note());
        assertEquals(banner2, failed.line(), "boot 2's first line ended the step");
    }

    @Test
    void aForbiddenLineIsMarkedAtThatLine() {
        List<Timeline.Mark> marks = run("forbid contains \"& noise\"\nboot 1\nexpect 10s BOOTCTLD_READY\nexpect 10s UPDATED_READY\n", lines);
        assertEquals(Timeline.Kind.FORBIDDEN, marks.get(1).kind());
        assertEquals(noise, marks.get(1).line());
    }

    @Test
    void drawsALanePerBootWithItsOwnAxisAndTheEscapedLogBeside() {
        String html = Timeline.html(page, lines, run("boot 1\nexpect 10s BOOTCTLD_READY\nboot 2\nexpect 10s UPDATE_APPLY_OK b full\n", lines));
        assertTrue(html.contains(">boot 1</text><text x=\"70\" y=\"16\" font-size=\"12\">+0.1s to +2.5s (2.4 s)</text>"), html);
        assertTrue(html.contains(">boot 2</text><text x=\"70\" y=\"16\" font-size=\"12\">+5.0s to +9.0s (4.0 s)</text>"), html);
        assertTrue(html.contains(">c #1 bootctld: ready</text>"), html);
        assertTrue(html.contains("fill=\"#1a7f37\" text-anchor=\"end\">2.0 s of 20.0 s, margin 18.0 s</text>"), html);
        assertTrue(html.contains(">&#8594; deadline +22.0s</text>"), "boot 2's step deadline, 2 s + 20 s, is past the lane's end");
        assertTrue(html.contains("<span id=\"L3\">+0002.500 boot=1 | random &lt;script&gt; &amp; noise</span>"), html);
        assertTrue(html.contains("<span id=\"L2\" class=\"met\">+0002.000 boot=1 | bootctld: ready</span>"), html);
        assertTrue(html.contains("timeout scale 2.5 (system property)"), html);
        assertTrue(html.contains("WARNING: QEMU ran without acceleration (TCG emulation)"), html);
        assertTrue(html.contains("<title>+9.0s UPDATE_APPLY_OK") || html.contains("UPDATE_APPLY_OK: update: apply ok"), html);
        assertFalse(html.contains("<script"), "no script: the page is static");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"), "no network");
    }

    @Test
    void aLaneThatARestoreOpensNamesTheSnapshotAndItsKey() {
        String key = "ab".repeat(32);
        ConsoleLine restore = line(6_000, 2, BootBoundary.restoreLine("factory-at-console", key));
        List<ConsoleLine> restored = List.of(banner1, ready, restore, apply);
        String html = Timeline.html(page, restored, run("boot 2\nexpect 10s UPDATE_APPLY_OK b full\n", restored));
        assertTrue(html.contains(">boot 2</text><text x=\"70\" y=\"16\" font-size=\"12\">+6.0s to +9.0s (3.0 s), restored from"
                + " snapshot factory-at-console key " + key + "</text>"), html);
        assertTrue(html.contains(">boot 1</text><text x=\"70\" y=\"16\" font-size=\"12\">+0.1s to +2.0s (1.9 s)</text>"), html);
    }

    @Test
    void failedAndForbiddenStepsAreRedAndHighlightedInTheLog() {
        String html = Timeline.html(page, lines,
                run("forbid contains \"& noise\"\nboot 1\nexpect 10s BOOTCTLD_READY\nexpect 10s UPDATED_READY\n", lines));
        assertTrue(html.contains("fill=\"#cf222e\">forbidden: random &lt;script&gt; &amp; noise</text>"), html);
        assertTrue(html.contains("<span id=\"L3\" class=\"bad\">"), html);
        assertTrue(html.contains("<p class=\"fail\">"), html);
        assertTrue(html.contains("<tr class=\"fail\">"), html);
    }

    @Test
    void aTimeoutAfterTheLastLineStretchesItsBoot() {
        ContractMatcher m = new ContractMatcher(Contract.parse("c", "boot 2\nexpect 1s UPDATED_READY\n"), 1.0);
        lines.forEach(m::offer);
        m.checkTime(Duration.ofSeconds(12));
        String html = Timeline.html(page, lines, Timeline.marks(m, UnaryOperator.identity(), Duration.ZERO, line(12_000, 2, "(timeout)")));
        assertTrue(html.contains("+5.0s to +12.0s (7.0 s)"), html);
        assertTrue(html.contains("<td class=\"n\">+12.0s</td><td>2</td><td class=\"t\">c #1 updated: ready</td>"), html);
    }
}
