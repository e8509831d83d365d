package io.trialboot.bench;

import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One round of {@link BootBenchmark}: the floor, the cold {@code java -version}, the image's boot and
 * the baseline's, all against the same floor and {@code java -version}; and the medians over rounds.
 */
record Round(int number, String load, double floor, double javaVersion, double javaVersionBeside,
        BootBenchmark.Boot boot, Optional<BootBenchmark.Boot> baseline) {

    /** Boot-to-ready ÷ (floor + java -version): the goal is ≤ 1.5. */
    double ratio() {
        return boot.ready() / (floor + javaVersion);
    }

    double baselineRatio() {
        return baseline.orElseThrow().ready() / (floor + javaVersion);
    }

    /** The ratio as measured before 2026-12-07 13:00, with {@code java -version} beside the guest's running JVM. */
    double ratioBeside() {
        return boot.ready() / (floor + javaVersionBeside);
    }

    /**
     * The ratio's goal, and when the host was loaded that the round is no quiet measurement: the
     * 1-minute load average at the round's start over {@code cores} + 1 (the previous round's own
     * guest still counts in it for a minute; a quiet sitting here read 1.6-2.3 on 2 cores). The
     * figure stays as measured: on a loaded host a slow cold {@code java -version} alone can put it
     * under 1.5 (ux14: 1.06 at load 4.2), so compare it only with a baseline booted in the same run.
     */
    String goal(int cores) {
        double load1 = loadAverage();
        if (Double.isNaN(load1)) return "(goal <= 1.5; the host's load is unknown: '" + load + "')";
        return load1 > cores + 1 ? String.format(java.util.Locale.ROOT, "(goal <= 1.5 on a quiet host; load %.2f on %d cores: NOT a quiet measurement)", load1, cores)
                : "(goal <= 1.5)";
    }

    /** The 1-minute load average the round started at ({@code /proc/loadavg}'s first field), NaN when unreadable. */
    double loadAverage() {
        try {
            return Double.parseDouble(load.strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    void print() {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("%nboot benchmark, round %d (host load average %s)%n", number, load);
        System.out.printf("  floor: OpenSBI banner -> /init of a tiny initramfs   %6.1f s%n", floor);
        System.out.printf("  java -version in the guest (cold: no JVM running)   %6.1f s%n", javaVersion);
        System.out.printf("  java -version beside the guest's running JVM        %6.1f s%n", javaVersionBeside);
        System.out.printf("  boot: OpenSBI banner -> stage-0 marker              %6.1f s%n", boot.stage0());
        System.out.printf("  boot: OpenSBI banner -> updated: ready               %6.1f s%n", boot.ready());
        System.out.printf("  ratio boot-to-ready / (floor + java -version)       %6.2f   %s%n", ratio(), goal(cores));
        System.out.printf("  the same with java -version beside the guest's JVM  %6.2f%n", ratioBeside());
        baseline.ifPresent(b -> {
            System.out.printf("  baseline (booted %s the image)%n", number % 2 == 1 ? "before" : "after");
            System.out.printf("    boot: OpenSBI banner -> stage-0 marker            %6.1f s%n", b.stage0());
            System.out.printf("    boot: OpenSBI banner -> updated: ready             %6.1f s%n", b.ready());
            System.out.printf("    ratio boot-to-ready / (floor + java -version)     %6.2f%n", baselineRatio());
            System.out.printf("  stage 0 -> ready: this image / baseline              %6.2f%n",
                    (boot.ready() - boot.stage0()) / (b.ready() - b.stage0()));
        });
    }

    /** The median of every figure over the rounds, each figure's own median (not one round's). */
    static void printMedians(List<Round> rounds) {
        System.out.printf("%nboot benchmark, medians of %d rounds%n", rounds.size());
        System.out.printf("  floor                                               %6.2f s%n", median(rounds, Round::floor));
        System.out.printf("  java -version (cold: no JVM running)                %6.2f s%n", median(rounds, Round::javaVersion));
        System.out.printf("  java -version beside the guest's JVM                %6.2f s%n", median(rounds, Round::javaVersionBeside));
        System.out.printf("  boot: OpenSBI banner -> stage-0 marker              %6.2f s%n", median(rounds, r -> r.boot.stage0()));
        System.out.printf("  boot: OpenSBI banner -> updated: ready               %6.2f s%n", median(rounds, r -> r.boot.ready()));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("  ratio, median of the rounds' ratios                 %6.2f   %s%n", median(rounds, Round::ratio), mediansGoal(rounds, cores));
        System.out.printf("  the same with java -version beside the guest's JVM  %6.2f%n", median(rounds, Round::ratioBeside));
        if (rounds.get(0).baseline.isPresent()) {
            System.out.printf("  baseline: banner -> stage-0 marker                  %6.2f s%n",
                    median(rounds, r -> r.baseline.orElseThrow().stage0()));
            System.out.printf("  baseline: banner -> updated: ready                  %6.2f s%n",
                    median(rounds, r -> r.baseline.orElseThrow().ready()));
            System.out.printf("  baseline ratio, median of the rounds' ratios        %6.2f%n", median(rounds, Round::baselineRatio));
        }
    }

    /** The medians' goal; when any round started on a loaded host ({@link #goal}), how many did. */
    static String mediansGoal(List<Round> rounds, int cores) {
        long loaded = rounds.stream().filter(r -> !r.goal(cores).equals("(goal <= 1.5)")).count();
        return loaded == 0 ? "(goal <= 1.5)" : "(goal <= 1.5 on a quiet host; " + loaded + " of " + rounds.size()
                + " rounds on a loaded host or one of unknown load: NOT a quiet measurement)";
    }

    static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
