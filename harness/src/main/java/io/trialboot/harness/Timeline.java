package io.trialboot.harness;

import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.markers.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The human-readable per-run report, {@code timeline.html}: one lane per boot cycle on its own time
 * axis; in it every contract step as a point at the line that met it (green, with its margin) or
 * where it failed (red), over a bar from the moment the step started waiting to its scaled
 * deadline; the other catalog markers as grey points and forbidden lines in red; a table of the
 * steps; and the whole serial log beside it, escaped, with the marked lines highlighted. Inline SVG
 * and CSS only (no script, no network), so CI can archive the file and any browser shows it as it is.
 */
final class Timeline {
    /** How a step ended. */
    enum Kind { MET, FAILED, FORBIDDEN }

    /**
     * A contract step met or failed at a console line (or, for a timeout, at a moment).
     *
     * @param line the console line (times since the run started)
     * @param label what the step expected, e.g. {@code first-boot #2 bootctld: ready}
     * @param since when the step started waiting (run time); null when unknown
     * @param deadline {@code since} plus the step's scaled timeout; null when unknown
     * @param note the outcome a person reads: time taken of time allowed and margin, or the failure
     */
    record Mark(ConsoleLine line, String label, Duration since, Duration deadline, Kind kind, String note) {
        Mark {
            Objects.requireNonNull(line, "line");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(note, "note");
        }

        boolean failed() {
            return kind != Kind.MET;
        }
    }

    /** What the page says above the lanes: the run, its outcome, the timeout scale and acceleration. */
    record Page(String title, String outcome, String scale, boolean accelerated) {
        Page {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(scale, "scale");
        }
    }

    private static final List<Map.Entry<Marker, LinePattern>> CATALOG = catalog();
    private static final int LABEL_W = 330;
    private static final int PLOT_W = 560;
    private static final int ROW = 16;
    private static final String GREEN = "#1a7f37";
    private static final String RED = "#cf222e";

    private Timeline() {}

    /**
     * The marks of one contract run: {@code real} maps each line the matcher saw to the recorded
     * line; {@code start} is when the await began (run time); {@code now} stands in for the moment a
     * timeout or the end of the console was noticed.
     */
    static List<Mark> marks(ContractMatcher matcher, UnaryOperator<ConsoleLine> real, Duration start, ConsoleLine now) {
        String name = matcher.contract().name();
        List<Mark> marks = new ArrayList<>();
        Duration since = start;
        for (StepResult r : matcher.results()) {
            ConsoleLine l = real.apply(r.line());
            Duration from = r.waited() == null || l.at() == null ? null : l.at().minus(r.waited());
            marks.add(new Mark(l, name + " #" + r.step().number() + " " + r.step().pattern().describe(matcher.captures()),
                    from, from == null ? null : from.plus(r.allowed()), Kind.MET,
                    r.margin().map(m -> "took " + secs(r.waited()) + " of " + secs(r.allowed()) + ", margin " + secs(m))
                            .orElse("met (no times)")));
            since = l.at();
        }
        if (matcher.failure().isPresent()) {
            ContractFailure f = matcher.failure().get();
            Duration allowed = Duration.ofMillis(Math.round(f.timeout().toMillis() * f.scale()));
            marks.add(new Mark(f.line() == null ? now : real.apply(f.line()), name + " #" + f.step().number() + " " + f.expected(),
                    since, since == null ? null : since.plus(allowed),
                    f.kind() == ContractFailure.Kind.FORBIDDEN ? Kind.FORBIDDEN : Kind.FAILED, f.summary()));
        }
        return marks;
    }

    static String html(Page page, List<ConsoleLine> lines, List<Mark> marks) {
        Map<ConsoleLine, String> markerOf = new IdentityHashMap<>();
        for (ConsoleLine l : lines) {
            for (Map.Entry<Marker, LinePattern> e : CATALOG) {
                if (e.getValue().match(l.text(), Map.of()).isPresent()) {
                    markerOf.put(l, e.getKey().name());
                    break;
                }
            }
        }
        Map<ConsoleLine, Mark> markOf = new IdentityHashMap<>();
        for (Mark m : marks) markOf.merge(m.line(), m, (a, b) -> b.failed() ? b : a);
        long failed = marks.stream().filter(Mark::failed).count();

        StringBuilder h = new StringBuilder(8192 + lines.size() * 80);
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(page.title())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:12px;font-size:13px}h1{font-size:18px;margin:0 0 6px}")
                .append(".wrap{display:flex;gap:14px;align-items:flex-start}.left{flex:none;width:").append(LABEL_W + PLOT_W + 110)
                .append("px}svg{display:block;margin-bottom:6px}td{overflow-wrap:anywhere;vertical-align:top}")
                .append(".log{flex:1;min-width:300px;max-height:94vh;overflow:auto;margin:0;font-size:11px;background:#f6f8fa;padding:6px}")
                .append(".log span{display:block;white-space:pre-wrap}.log .met{background:#d7f0dd}.log .bad{background:#ffd8d3;color:")
                .append(RED).append("}.warn{color:#9a6700;font-weight:bold}.ok{color:").append(GREEN).append("}.fail{color:").append(RED)
                .append(";font-weight:bold}td,th{padding:1px 6px;text-align:left;font-size:12px}td.t{font-family:monospace}td.n{font-family:monospace;white-space:nowrap}")
                .append("</style></head><body>\n<h1>").append(esc(page.title())).append("</h1>\n<p class=\"")
                .append(failed > 0 ? "fail" : "ok").append("\">").append(esc(page.outcome())).append("</p>\n<p>timeout scale ")
                .append(esc(page.scale())).append(page.accelerated() ? "; QEMU with KVM acceleration"
                        : "; <span class=\"warn\">WARNING: QEMU ran without acceleration (TCG emulation): raise the scale on a slow host</span>")
                .append("</p>\n<div class=\"wrap\"><div class=\"left\">\n");
        // Boot 0 (QEMU's output before the first firmware banner) gets a lane only when a step is in it.
        List<Integer> boots = lines.stream().map(ConsoleLine::boot).filter(b -> b > 0).distinct().toList();
        for (Mark m : marks) if (!boots.contains(m.line().boot())) boots = append(boots, m.line().boot());
        for (int boot : boots) lane(h, boot, lines, markerOf, marks);
        table(h, marks);
        h.append("</div>\n<pre class=\"log\" title=\"serial.log\">");
        for (int i = 0; i < lines.size(); i++) {
            ConsoleLine l = lines.get(i);
            Mark m = markOf.get(l);
            h.append("<span id=\"L").append(i + 1).append('"').append(m == null ? "" : m.failed() ? " class=\"bad\"" : " class=\"met\"")
                    .append('>').append(esc(io.trialboot.markers.ConsoleLog.format(l))).append("</span>");
        }
        return h.append("</pre></div>\n</body></html>\n").toString();
    }

    /** One boot: its own axis, a row per contract step, a row of the other catalog markers. */
    private static void lane(StringBuilder h, int boot, List<ConsoleLine> lines, Map<ConsoleLine, String> markerOf, List<Mark> all) {
        List<ConsoleLine> own = lines.stream().filter(l -> l.boot() == boot && l.at() != null).toList();
        List<Mark> marks = all.stream().filter(m -> m.line().boot() == boot).toList();
        long t0 = own.isEmpty() ? marks.stream().mapToLong(m -> ms(m.line().at())).min().orElse(0) : own.get(0).at().toMillis();
        long t1 = Math.max(own.isEmpty() ? t0 : own.get(own.size() - 1).at().toMillis(),
                marks.stream().mapToLong(m -> ms(m.line().at())).max().orElse(t0));
        if (t1 <= t0) t1 = t0 + 1000;
        int height = 44 + (marks.size() + 1) * ROW;
        h.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">%n",
                LABEL_W + PLOT_W + 110, height));
        h.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", LABEL_W + PLOT_W + 110,
                height, boot % 2 == 0 ? "#eef3f8" : "#f7f9fc"));
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\" font-size=\"14\" font-weight=\"bold\">boot %d</text>"
                + "<text x=\"70\" y=\"16\" font-size=\"12\">%s to %s (%s)%s</text>%n", boot, at(t0), at(t1), secs(Duration.ofMillis(t1 - t0)),
                own.isEmpty() ? "" : BootBoundary.restore(own.get(0).text())
                        .map(r -> esc(", restored from snapshot " + r.snapshot() + " key " + r.key())).orElse("")));
        for (int k = 0; k <= 4; k++) {
            long t = t0 + (t1 - t0) * k / 4;
            double x = x(t, t0, t1);
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"22\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c8d1dc\"/>"
                    + "<text x=\"%.1f\" y=\"32\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n", x, x, height - 4, x, at(t)));
        }
        int y = 44;
        for (Mark m : marks) {
            String colour = m.failed() ? RED : GREEN;
            h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>", y + 4, colour,
                    esc(shorten((m.kind() == Kind.FORBIDDEN ? "forbidden: " + m.line().text() : m.label()), 52))));
            if (m.since() != null && m.deadline() != null) {
                double xs = x(Math.max(t0, ms(m.since())), t0, t1);
                double xd = x(Math.min(t1, ms(m.deadline())), t0, t1);
                h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"8\" fill=\"%s\"/>", xs, y - 4,
                        Math.max(1, xd - xs), m.failed() ? "#ffd8d3" : "#d7f0dd"));
                if (ms(m.deadline()) <= t1) {
                    h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#57606a\" "
                            + "stroke-width=\"2\"><title>deadline %s</title></line>", xd, y - 6, xd, y + 6, at(ms(m.deadline()))));
                } else {
                    h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#57606a\">&#8594; deadline %s</text>",
                            LABEL_W + PLOT_W + 2, y + 4, at(ms(m.deadline()))));
                }
            }
            double xp = x(ms(m.line().at()), t0, t1);
            boolean right = xp < LABEL_W + PLOT_W * 0.6; // the note beside the point, on the side with room
            h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"><title>%s %s: %s</title></circle>"
                    + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"%s\" text-anchor=\"%s\">%s</text>%n", xp, y, colour,
                    at(ms(m.line().at())), esc(m.label()), esc(m.note()), right ? xp + 8 : xp - 8, y + 4, colour, right ? "start" : "end",
                    esc(m.failed() ? "FAILED" : shorten(m.note().replace("took ", ""), 40))));
            y += ROW;
        }
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\" fill=\"#57606a\">other catalog markers</text>", y + 4));
        for (ConsoleLine l : own) {
            String marker = markerOf.get(l);
            if (marker == null) continue;
            h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"#6e7781\"><title>%s %s: %s</title></circle>%n",
                    x(l.at().toMillis(), t0, t1), y, l.shortTime(), marker, esc(l.text())));
        }
        h.append("</svg>\n");
    }

    private static void table(StringBuilder h, List<Mark> marks) {
        h.append("<table>\n<tr><th>time</th><th>boot</th><th>step</th><th>deadline</th><th>outcome</th></tr>\n");
        for (Mark m : marks) {
            h.append(m.failed() ? "<tr class=\"fail\">" : "<tr>").append("<td class=\"n\">").append(at(ms(m.line().at())))
                    .append("</td><td>").append(m.line().boot()).append("</td><td class=\"t\">").append(esc(m.label()))
                    .append("</td><td class=\"n\">").append(m.deadline() == null ? "" : at(ms(m.deadline()))).append("</td><td>")
                    .append(esc(m.note())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static double x(long ms, long t0, long t1) {
        return LABEL_W + PLOT_W * (double) (ms - t0) / (t1 - t0);
    }

    private static long ms(Duration d) {
        return d == null ? 0 : d.toMillis();
    }

    private static String at(long ms) {
        return String.format(Locale.ROOT, "+%.1fs", ms / 1000.0);
    }

    static String secs(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static List<Integer> append(List<Integer> l, int v) {
        List<Integer> c = new ArrayList<>(l);
        c.add(v);
        Collections.sort(c);
        return c;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static List<Map.Entry<Marker, LinePattern>> catalog() {
        List<Map.Entry<Marker, LinePattern>> c = new ArrayList<>();
        for (Marker m : Marker.values()) {
            c.add(Map.entry(m, LinePattern.of(m, Collections.nCopies(m.placeholderCount(), "*").toArray(String[]::new))));
        }
        return List.copyOf(c);
    }
}
