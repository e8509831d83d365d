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

    void print() {
        System.out.printf("%nboot benchmark, round %d (host load average %s)%n", number, load);
        System.out.printf("  floor: OpenSBI banner -> /init of a tiny initramfs   %6.1f s%n", floor);
        System.out.printf("  java -version in the guest (cold: no JVM running)   %6.1f s%n", javaVersion);
        System.out.printf("  java -version beside the guest's running JVM        %6.1f s%n", javaVersionBeside);
        System.out.printf("  boot: OpenSBI banner -> stage-0 marker              %6.1f s%n", boot.stage0());
        System.out.printf("  boot: OpenSBI banner -> updated: ready               %6.1f s%n", boot.ready());
        System.out.printf("  ratio boot-to-ready / (floor + java -version)       %6.2f   (goal <= 1.5)%n", ratio());
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
        System.out.printf("  ratio, median of the rounds' ratios                 %6.2f   (goal <= 1.5)%n", median(rounds, Round::ratio));
        System.out.printf("  the same with java -version beside the guest's JVM  %6.2f%n", median(rounds, Round::ratioBeside));
        if (rounds.get(0).baseline.isPresent()) {
            System.out.printf("  baseline: banner -> stage-0 marker                  %6.2f s%n",
                    median(rounds, r -> r.baseline.orElseThrow().stage0()));
            System.out.printf("  baseline: banner -> updated: ready                  %6.2f s%n",
                    median(rounds, r -> r.baseline.orElseThrow().ready()));
            System.out.printf("  baseline ratio, median of the rounds' ratios        %6.2f%n", median(rounds, Round::baselineRatio));
        }
    }

    static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] values = rounds.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
