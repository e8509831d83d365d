package io.trialboot.it;

import io.trialboot.it.CutPlan.Phase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a power-cut campaign found, per phase: points tried, bricks (no console after the restart),
 * unverified boots (the booted slot not verified or good, boot control inconsistent, or
 * {@code nx selfcheck --deep} not OK), lost entries (history lines or durable steps gone after the
 * cut) and retries of the interrupted operation that failed. Rendered as the Markdown table of
 * {@code docs/reliability.md}. Safe to share between the workers of one campaign.
 */
final class CutTally {
    enum Kind { BRICK, UNVERIFIED, LOST, RETRY_FAILED }

    private final Map<Phase, int[]> counts = new EnumMap<>(Phase.class);
    private final List<String> failures = new ArrayList<>();

    CutTally() {
        for (Phase p : Phase.values()) {
            counts.put(p, new int[1 + Kind.values().length]);
        }
    }

    synchronized void tried(Phase phase) {
        counts.get(phase)[0]++;
    }

    synchronized void failed(CutPlan.Point point, long seed, Kind kind, String why) {
        counts.get(point.phase())[1 + kind.ordinal()]++;
        failures.add(point.describe(seed) + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ": " + why);
    }

    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    synchronized int tried() {
        return counts.values().stream().mapToInt(c -> c[0]).sum();
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

    private static void row(StringBuilder sb, String name, int[] c) {
        sb.append("| ").append(name);
        for (int v : c) {
            sb.append(" | ").append(v);
        }
        sb.append(" |\n");
    }
}
