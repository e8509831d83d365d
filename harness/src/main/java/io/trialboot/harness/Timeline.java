package io.trialboot.harness;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The human-readable per-run report, {@code timeline.html}: boots as bands on a time axis with a
 * tick per catalog marker, and below it a table of those markers and of every contract step met or
 * failed, with the time each step took against its allowance. Self-contained (inline SVG, no
 * scripts), so CI can archive it as it is.
 */
final class Timeline {
    /** A contract step met or failed at a console line (or, for a timeout, at a moment). */
    record Mark(ConsoleLine line, String label, boolean failed) {
        Mark {
            Objects.requireNonNull(line, "line");
            Objects.requireNonNull(label, "label");
        }
    }

    private static final List<Map.Entry<Marker, LinePattern>> CATALOG = catalog();
    private static final int WIDTH = 1000;
    private static final int LEFT = 40;

    private Timeline() {}

    static String html(String title, List<ConsoleLine> lines, List<Mark> marks, String outcome) {
        Map<ConsoleLine, String> markerOf = new IdentityHashMap<>();
        for (ConsoleLine l : lines) {
            for (Map.Entry<Marker, LinePattern> e : CATALOG) {
                if (e.getValue().match(l.text(), Map.of()).isPresent()) {
                    markerOf.put(l, e.getKey().name());
                    break;
                }
            }
        }
        Map<ConsoleLine, List<Mark>> marksOf = new IdentityHashMap<>();
        for (Mark m : marks) marksOf.computeIfAbsent(m.line(), k -> new ArrayList<>()).add(m);
        long endMs = Math.max(1, Math.max(lines.isEmpty() ? 0 : lines.get(lines.size() - 1).at().toMillis(),
                marks.stream().mapToLong(m -> m.line().at().toMillis()).max().orElse(0)));

        StringBuilder h = new StringBuilder(4096);
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1em}td,th{padding:2px 8px;text-align:left;font-size:13px}")
                .append("tr.fail td{color:#b00020;font-weight:bold}td.t{font-family:monospace}</style></head><body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(outcome)).append("</p>\n");
        svg(h, lines, markerOf, marks, endMs);
        h.append("<table>\n<tr><th>time</th><th>boot</th><th>console line</th><th>marker</th><th>contract</th></tr>\n");
        List<ConsoleLine> rows = new ArrayList<>();
        for (ConsoleLine l : lines) if (markerOf.containsKey(l) || marksOf.containsKey(l)) rows.add(l);
        for (Mark m : marks) if (!containsIdentity(lines, m.line())) rows.add(m.line()); // timeouts: no console line
        rows.sort((a, b) -> a.at().compareTo(b.at()));
        for (ConsoleLine l : rows) {
            List<Mark> ms = marksOf.getOrDefault(l, List.of());
            boolean failed = ms.stream().anyMatch(Mark::failed);
            h.append(failed ? "<tr class=\"fail\">" : "<tr>")
                    .append("<td class=\"t\">").append(l.shortTime()).append("</td><td>").append(l.boot())
                    .append("</td><td class=\"t\">").append(esc(l.text())).append("</td><td>")
                    .append(esc(markerOf.getOrDefault(l, ""))).append("</td><td>")
                    .append(esc(String.join("; ", ms.stream().map(Mark::label).toList()))).append("</td></tr>\n");
        }
        return h.append("</table>\n</body></html>\n").toString();
    }

    private static void svg(StringBuilder h, List<ConsoleLine> lines, Map<ConsoleLine, String> markerOf,
            List<Mark> marks, long endMs) {
        int height = 70;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH + 2 * LEFT).append("\" height=\"")
                .append(height).append("\">\n");
        int i = 0;
        while (i < lines.size()) {
            int boot = lines.get(i).boot();
            int j = i;
            while (j + 1 < lines.size() && lines.get(j + 1).boot() == boot) j++;
            double x0 = x(lines.get(i).at(), endMs);
            double x1 = Math.max(x0 + 2, x(lines.get(j).at(), endMs));
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"10\" width=\"%.1f\" height=\"30\" fill=\"%s\"/>",
                    x0, x1 - x0, boot % 2 == 0 ? "#dde6f0" : "#c6d6e8"));
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"55\" font-size=\"11\">boot %d</text>%n", x0, boot));
            i = j + 1;
        }
        for (Map.Entry<ConsoleLine, String> e : markerOf.entrySet()) tick(h, e.getKey(), e.getValue(), "#1f5f9f", endMs);
        for (Mark m : marks) if (m.failed()) tick(h, m.line(), m.label(), "#b00020", endMs);
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"68\" font-size=\"11\">0 s</text>"
                + "<text x=\"%d\" y=\"68\" font-size=\"11\" text-anchor=\"end\">%.1f s</text>%n</svg>%n",
                LEFT, LEFT + WIDTH, endMs / 1000.0));
    }

    private static void tick(StringBuilder h, ConsoleLine l, String label, String colour, long endMs) {
        double x = x(l.at(), endMs);
        h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"6\" x2=\"%.1f\" y2=\"44\" stroke=\"%s\" stroke-width=\"2\">"
                + "<title>%s %s: %s</title></line>%n", x, x, colour, l.shortTime(), esc(label), esc(l.text())));
    }

    private static double x(Duration at, long endMs) {
        return LEFT + WIDTH * (double) at.toMillis() / endMs;
    }

    private static boolean containsIdentity(List<ConsoleLine> lines, ConsoleLine l) {
        for (ConsoleLine x : lines) if (x == l) return true;
        return false;
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
