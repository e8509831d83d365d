package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.ConsoleLine;
import java.time.Duration;
import java.util.List;
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

    @Test
    void drawsBootBandsAndTicksForCatalogMarkers() {
        String html = Timeline.html("OtaIT / cycle", lines, List.of(), "QEMU exited with code 0");
        assertTrue(html.contains(">boot 1</text>") && html.contains(">boot 2</text>"), html);
        assertTrue(html.contains("<td class=\"t\">bootctld: ready</td><td>BOOTCTLD_READY</td>"), html);
        assertTrue(html.contains("<td>UPDATE_APPLY_OK</td>"), html);
        assertFalse(html.contains("noise</td>"), "plain console lines stay out of the table");
        assertTrue(html.contains(">9.0 s</text>"), "the axis ends at the last line");
        assertTrue(html.contains("<p>QEMU exited with code 0</p>"), html);
    }

    @Test
    void marksMetAndFailedStepsAndEscapesText() {
        ConsoleLine timeout = line(12_000, 2, "(timeout)");
        String html = Timeline.html("a <b> & c", lines, List.of(
                new Timeline.Mark(noise, "forbidden", true),
                new Timeline.Mark(ready, "first-boot step 2 after 1.9 s of 60.0 s", false),
                new Timeline.Mark(timeout, "marker 'updated: ready' not seen", true)), "x");
        assertTrue(html.contains("<title>a &lt;b&gt; &amp; c</title>"), html);
        assertTrue(html.contains("<tr class=\"fail\"><td class=\"t\">+2.5s</td><td>1</td><td class=\"t\">random &lt;script&gt; &amp; noise</td>"), html);
        assertTrue(html.contains("<td>first-boot step 2 after 1.9 s of 60.0 s</td>"), html);
        assertTrue(html.contains("<td class=\"t\">(timeout)</td><td></td><td>marker 'updated: ready' not seen</td>"), html);
        assertTrue(html.contains(">12.0 s</text>"), "a failure after the last line stretches the axis");
        assertEquals(-1, html.indexOf("<script>"));
    }
}
