package io.trialboot.it;

import io.trialboot.it.CutPlan.Phase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a power-cut campaign found, per phase: points tried, bricks (no console after the restart),
 * unverified boots (the booted slot not verified or good, boot control inconsistent, or
 * {@code nx selfcheck --deep} not OK), lost entries (history lines or durable steps gone after the
 * cut) and retries of the interrupted operation that failed. Rendered as the Markdown table of
 * {@code docs/reliability.md}, followed by a state line ({@link #state}) from which a later
 * sitting resumes the campaign ({@link #resume}). Boots that stalled before stage 0 and were powered
 * on again are listed apart ({@link #stalled}): an emulator fault, no invariant of the device.
 * Safe to share between the workers of one campaign.
 */
final class CutTally {
    enum Kind { BRICK, UNVERIFIED, LOST, RETRY_FAILED }

    /** The summary's heading of the failures, a {@code - } line each. */
    static final String FAILURES = "Failures:";
    /** The start of the summary's heading of the stalls, a {@code - } line each. */
    static final String STALLS = "Stalls before stage 0";

    private static final Pattern STATE = Pattern.compile(
            "<!-- powercut-state seed=(-?\\d+) points=(\\d+) sittings=(\\d+) seconds=(\\d+) done=([\\d,-]*) counts=(\\S+) -->");

    private final Map<Phase, int[]> counts = new EnumMap<>(Phase.class);
    private final List<String> failures = new ArrayList<>();
    private final List<String> stalls = new ArrayList<>();
    private final SortedSet<Integer> done = new TreeSet<>();
    private final int sittings;
    private final long earlierSeconds;

    CutTally() {
        this(1, 0);
    }

    private CutTally(int sittings, long earlierSeconds) {
        this.sittings = sittings;
        this.earlierSeconds = earlierSeconds;
        for (Phase p : Phase.values()) {
            counts.put(p, new int[1 + Kind.values().length]);
        }
    }

    /** A broken invariant a point found. */
    record Failure(Kind kind, String why) {}

    /**
     * A point that has run to its end, with what it found: counted together, so a summary written
     * meanwhile by another worker never holds half a point.
     */
    synchronized void tried(CutPlan.Point point, long seed, List<Failure> found) {
        int[] c = counts.get(point.phase());
        c[0]++;
        done.add(point.index());
        for (Failure f : found) {
            c[1 + f.kind().ordinal()]++;
            failures.add(point.describe(seed) + ": " + f.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + ": " + f.why());
        }
    }

    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** A boot that stalled before stage 0 at {@code where} and was powered on again; {@code why} holds the vCPUs. */
    synchronized void stalled(String where, String why) {
        stalls.add(where + ": " + why);
    }

    synchronized List<String> stalls() {
        return List.copyOf(stalls);
    }

    synchronized int tried() {
        return done.size();
    }

    /** The points tried so far, in this sitting and the earlier ones. */
    synchronized SortedSet<Integer> done() {
        return new TreeSet<>(done);
    }

    /** Sittings the campaign has had, this one included. */
    int sittings() {
        return sittings;
    }

    /** QEMU time of the earlier sittings. */
    long earlierSeconds() {
        return earlierSeconds;
    }

    /** The summary table, a row per phase and a total. */
    synchronized String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| phase | points tried | bricks | unverified boots | lost entries | retries failed |\n");
        sb.append("|---|---:|---:|---:|---:|---:|\n");
        int[] total = new int[1 + Kind.values().length];
        for (Phase p : Phase.values()) {
            int[] c = counts.get(p);
            row(sb, p.text, c);
            for (int i = 0; i < c.length; i++) {
                total[i] += c[i];
            }
        }
        row(sb, "**all**", total);
        return sb.toString();
    }

    /** One HTML comment line holding the seed, the points done and the counts: what {@link #resume} reads. */
    synchronized String state(CutPlan plan, long secondsOfThisSitting) {
        StringBuilder c = new StringBuilder();
        for (Phase p : Phase.values()) {
            if (c.length() > 0) c.append(';');
            c.append(p.text);
            for (int v : counts.get(p)) c.append(':').append(v);
        }
        return "<!-- powercut-state seed=" + plan.seed() + " points=" + plan.points() + " sittings=" + sittings
                + " seconds=" + (earlierSeconds + secondsOfThisSitting) + " done=" + ranges(done) + " counts=" + c + " -->";
    }

    /**
     * The campaign a summary left: its seed and points, the points still to try (one worker count
     * as asked), and a tally holding the earlier sittings' counts, points and failures.
     *
     * @throws IllegalArgumentException when the summary holds no state line, or every point was tried
     */
    static Resumed resume(String summary, int workers) {
        Matcher m = STATE.matcher(summary);
        if (!m.find()) {
            throw new IllegalArgumentException("no power-cut campaign to resume: the summary has no '<!-- powercut-state"
                    + " ... -->' line (scripts/reliability writes one)");
        }
        long seed = Long.parseLong(m.group(1));
        int points = Integer.parseInt(m.group(2));
        CutTally t = new CutTally(Integer.parseInt(m.group(3)) + 1, Long.parseLong(m.group(4)));
        t.done.addAll(parseRanges(m.group(5)));
        for (String phase : m.group(6).split(";")) {
            String[] f = phase.split(":");
            Phase p = java.util.Arrays.stream(Phase.values()).filter(x -> x.text.equals(f[0])).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown phase '" + f[0] + "' in the state line"));
            for (int i = 1; i < f.length; i++) t.counts.get(p)[i - 1] = Integer.parseInt(f[i]);
        }
        List<String> section = null;
        for (String line : summary.split("\n")) {
            if (line.equals(FAILURES)) section = t.failures;
            else if (line.startsWith(STALLS)) section = t.stalls;
            else if (section != null && line.startsWith("- ")) section.add(line.substring(2));
        }
        SortedSet<Integer> rest = new TreeSet<>();
        for (int i = 0; i < points; i++) {
            if (!t.done.contains(i)) rest.add(i);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("the campaign of seed " + seed + " has tried all " + points + " points: nothing to resume");
        }
        return new Resumed(new CutPlan(seed, points, rest, workers), t);
    }

    /** A campaign taken up again: the points left, and the tally so far. */
    record Resumed(CutPlan plan, CutTally tally) {}

    /** {@code 0-13,18,20-23}. */
    static String ranges(SortedSet<Integer> set) {
        StringBuilder sb = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int i : set) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            if (start != null) appendRange(sb, start, prev);
            start = i;
            prev = i;
        }
        if (start != null) appendRange(sb, start, prev);
        return sb.toString();
    }

    private static void appendRange(StringBuilder sb, int from, int to) {
        if (sb.length() > 0) sb.append(',');
        sb.append(from == to ? Integer.toString(from) : from + "-" + to);
    }

    private static SortedSet<Integer> parseRanges(String text) {
        SortedSet<Integer> s = new TreeSet<>();
        if (text.isEmpty()) return s;
        for (String r : text.split(",")) {
            String[] ends = r.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = ends.length == 1 ? from : Integer.parseInt(ends[1]);
            if (to >= CutPlan.MAX_POINTS) {
                throw new IllegalArgumentException("point " + to + " in the state line; a campaign has at most "
                        + CutPlan.MAX_POINTS + " points");
            }
            for (int i = from; i <= to; i++) s.add(i);
        }
        return s;
    }

    private static void row(StringBuilder sb, String name, int[] c) {
        sb.append("| ").append(name);
        for (int v : c) {
            sb.append(" | ").append(v);
        }
        sb.append(" |\n");
    }
}
