package io.trialboot.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The seeded plan of a power-cut campaign: point {@code i} cuts during phase
 * {@code Phase.values()[i % 6]} (the order an update goes through them, so each point's
 * precondition is usually where the previous one left the device), with a trigger drawn from
 * {@code new Random(seed)} in point order. The same seed gives the same points, so one point can be
 * replayed alone ({@code trialboot.powercut.only}). With several workers (VMs side by side) each
 * takes whole rounds of six points, so each still goes through the phases in update order.
 */
record CutPlan(long seed, int points, SortedSet<Integer> only, int workers) {
    static final String SEED = "trialboot.powercut.seed";
    static final String POINTS = "trialboot.powercut.points";
    static final String ONLY = "trialboot.powercut.only";
    static final String WORKERS = "trialboot.powercut.workers";
    static final int DEFAULT_POINTS = 10;
    /** Far beyond any campaign (a point costs about a minute of TCG time). */
    static final int MAX_POINTS = 100_000;
    /** More VMs than this would only fight over the host's cores (each is a TCG QEMU with a host thread per hart). */
    static final int MAX_WORKERS = 16;

    /** Where in an update the power goes. */
    enum Phase {
        FULL_APPLY("full-apply"),
        SWITCH("switch"),
        STAGE0_DECREMENT("stage0-decrement"),
        CONFIRM("confirm"),
        DELTA_APPLY("delta-apply"),
        ROLLBACK("rollback");

        final String text;

        Phase(String text) {
            this.text = text;
        }
    }

    /** What the cut waits for before its delay starts. */
    enum Anchor {
        /** the first {@code update: progress} line with at least {@code percent} % written */
        PROGRESS,
        /** {@code update: apply ok}: the slot is verified, the switch comes next */
        APPLY_OK,
        /** the OpenSBI banner of the trial boot; the delay is {@code percent} % of the banner-to-stage-0 time */
        BANNER,
        /** {@code bundle <name>: ready} on the trial boot: healthd's quorum and the confirm come next */
        BUNDLE_READY,
        /** the console's echo of {@code nx rollback} */
        ROLLBACK_TYPED
    }

    /** When the power goes: after the anchor line (and {@code percent} for PROGRESS/BANNER), plus {@code delay}. */
    record Trigger(Anchor anchor, int percent, Duration delay) {
        String text() {
            String ms = "+" + delay.toMillis() + "ms";
            return switch (anchor) {
                case PROGRESS -> "progress>=" + percent + "%" + ms;
                case BANNER -> "banner+" + percent + "%-of-stage0-time";
                default -> anchor.name().toLowerCase(Locale.ROOT).replace('_', '-') + ms;
            };
        }
    }

    record Point(int index, Phase phase, Trigger trigger) {
        String describe(long seed) {
            return "power-cut seed=" + seed + " point=" + index + " phase=" + phase.text + " trigger=" + trigger.text();
        }
    }

    CutPlan {
        if (points < 1 || points > MAX_POINTS) {
            throw new IllegalArgumentException(POINTS + " must be 1.." + MAX_POINTS + ", got " + points);
        }
        only = new TreeSet<>(only);
        for (int i : only) {
            if (i < 0 || i >= points) {
                throw new IllegalArgumentException(ONLY + " names point " + i + ", outside 0.." + (points - 1));
            }
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException(WORKERS + " must be 1.." + MAX_WORKERS + ", got " + workers);
        }
    }

    /**
     * The plan the system properties ask for: {@value #SEED} (default: a fresh seed, printed),
     * {@value #POINTS} (default {@value #DEFAULT_POINTS}), {@value #ONLY} (comma-separated point
     * numbers and ranges {@code first-last}, e.g. {@code 3,17,120-199}; default all), {@value #WORKERS} (VMs side by side; default 1).
     */
    static CutPlan fromProperties(java.util.function.UnaryOperator<String> property, long freshSeed) {
        String seed = property.apply(SEED);
        String points = property.apply(POINTS);
        String only = property.apply(ONLY);
        String workers = property.apply(WORKERS);
        SortedSet<Integer> chosen = new TreeSet<>();
        if (only != null && !only.isBlank()) {
            for (String s : only.split(",")) {
                String[] range = s.strip().split("-", -1);
                if (range.length > 2) {
                    throw new IllegalArgumentException(ONLY + " must be point numbers or ranges like 120-199, got '" + s.strip() + "'");
                }
                int first = parse(ONLY, range[0].strip());
                int last = range.length == 1 ? first : parse(ONLY, range[1].strip());
                if (last < first) {
                    throw new IllegalArgumentException(ONLY + " range " + s.strip() + " ends before it starts");
                }
                if (last >= MAX_POINTS) {
                    throw new IllegalArgumentException(ONLY + " names point " + last + "; a campaign has at most "
                            + MAX_POINTS + " points");
                }
                for (int i = first; i <= last; i++) {
                    chosen.add(i);
                }
            }
        }
        int n = points == null || points.isBlank() ? DEFAULT_POINTS : parse(POINTS, points.strip());
        if (!chosen.isEmpty() && (points == null || points.isBlank())) {
            n = Math.max(n, chosen.last() + 1);
        }
        long s;
        try {
            s = seed == null || seed.isBlank() ? freshSeed : Long.parseLong(seed.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED + " must be a whole number, got '" + seed + "'");
        }
        int w = workers == null || workers.isBlank() ? 1 : parse(WORKERS, workers.strip());
        return new CutPlan(s, n, chosen, w);
    }

    private static int parse(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be whole numbers, got '" + text + "'");
        }
    }

    /** The points to run, in order (all of them, or those {@code only} names). */
    List<Point> run() {
        Random r = new Random(seed);
        List<Point> all = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            Phase phase = Phase.values()[i % Phase.values().length];
            Point p = new Point(i, phase, trigger(phase, r));
            if (only.isEmpty() || only.contains(i)) {
                all.add(p);
            }
        }
        return all;
    }

    /**
     * The points worker {@code worker} (0-based) runs, in order: those of every {@code workers}-th
     * round of six, starting with round {@code worker}. The workers' points together are {@link #run()}.
     */
    List<Point> run(int worker) {
        if (worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers);
        }
        int round = Phase.values().length;
        return run().stream().filter(p -> (p.index() / round) % workers == worker).toList();
    }

    private static Trigger trigger(Phase phase, Random r) {
        // Draw the same number of values for every phase, so a point's trigger depends only on the seed and its index.
        int percent = r.nextInt(100);
        long jitter = r.nextInt(1000);
        int window = r.nextInt(56);
        return switch (phase) {
            case FULL_APPLY, DELTA_APPLY -> new Trigger(Anchor.PROGRESS, percent, Duration.ofMillis(jitter));
            case SWITCH -> new Trigger(Anchor.APPLY_OK, 0, Duration.ofMillis(jitter * 3 / 2));
            case STAGE0_DECREMENT -> new Trigger(Anchor.BANNER, 60 + window, Duration.ZERO);
            case CONFIRM -> new Trigger(Anchor.BUNDLE_READY, 0, Duration.ofMillis(jitter * 5 / 2));
            case ROLLBACK -> new Trigger(Anchor.ROLLBACK_TYPED, 0, Duration.ofMillis(jitter * 3));
        };
    }
}
