package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-boot (profile {@code bench}): in one run, boots (1) the floor — the kernel
 * with a tiny initramfs whose /init prints one line — and (2) the real image to {@code updated:
 * ready}, then times a cold {@code java -version} in that guest (its services stopped first, so no
 * JVM holds libjvm's pages in memory). Prints the ratio
 * boot-to-ready ÷ (floor + java -version); goal ≤ 1.5. With {@value #BASELINE} naming another
 * build's guest.properties (scripts/bench-boot --baseline DIR), boots that image to {@code updated:
 * ready} too and prints its ratio against the same floor and java -version: a change measured
 * against its baseline in one run. With {@value #ROUNDS} = N, does all of that N times, the
 * baseline's boot before the image's in odd rounds and after it in even ones (so a host's drift
 * favours neither), and prints each round and the medians. Each round's VMs run in
 * {@code BootBenchmark/round-K/{floor,baseline,image}}. Not part of {@code mvn verify}.
 */
class BootBenchmark {
    static final String BASELINE = "trialboot.bench.baseline";
    static final String ROUNDS = "trialboot.bench.rounds";

    @Test
    void bootToReadyAgainstFloorPlusJavaVersion() throws Exception {
        Path properties = Path.of(System.getProperty(GuestImage.PROPERTY));
        GuestImage image = GuestImage.load(properties);
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("BootBenchmark");
        String baselineProperties = System.getProperty(BASELINE, "");
        Optional<GuestImage> baselineImage = baselineProperties.isBlank() ? Optional.empty()
                : Optional.of(GuestImage.load(Path.of(baselineProperties)));
        int rounds = Integer.parseInt(System.getProperty(ROUNDS, "1"));
        if (rounds < 1) {
            throw new IllegalArgumentException(ROUNDS + " must be at least 1, not " + rounds);
        }
        TimeoutScale scale = TimeoutScale.fromEnvironment();

        List<Round> done = new ArrayList<>();
        for (int k = 1; k <= rounds; k++) {
            Path dir = runs.resolve("round-" + k);
            String load = Files.readString(Path.of("/proc/loadavg")).strip();
            double floor = floor(FloorImage.of(image, properties), dir.resolve("floor"), scale);
            boolean baselineFirst = k % 2 == 1;
            Optional<Boot> baseline = baselineFirst ? boot(baselineImage, dir.resolve("baseline"), scale) : Optional.empty();
            Measured measured = bootAndJavaVersion(image, dir.resolve("image"), scale);
            if (!baselineFirst) {
                baseline = boot(baselineImage, dir.resolve("baseline"), scale);
            }
            Round round = new Round(k, load, floor, measured.javaVersion(), measured.javaVersionBeside(), measured.boot(), baseline);
            round.print();
            done.add(round);
        }
        if (rounds > 1) {
            Round.printMedians(done);
        }
        baselineImage.ifPresent(b -> System.out.printf("  baseline %s%n", baselineProperties));
        System.out.println();
        assertTrue(done.stream().allMatch(r -> r.floor() > 0 && r.javaVersion() > 0 && r.boot().ready() > 0),
                "all three figures measured in every round");
    }

    private static double floor(GuestImage floorImage, Path dir, TimeoutScale scale) {
        try (QemuVm vm = QemuVm.start(VmConfig.builder(floorImage, dir).scale(scale).build())) {
            vm.await(Contract.parse("floor", "boot 1\nexpect 120s \"" + FloorImage.LINE + "\"\n"));
            return GuestClock.seconds(banner(vm), GuestClock.line(vm, FloorImage.LINE));
        }
    }

    private static Optional<Boot> boot(Optional<GuestImage> image, Path dir, TimeoutScale scale) {
        return image.map(i -> {
            try (QemuVm vm = QemuVm.start(VmConfig.builder(i, dir).scale(scale).build())) {
                return Boot.of(vm);
            }
        });
    }

    /**
     * Boots the image to its console, then times {@code java -version} twice with the page cache
     * dropped: first beside the guest's JVM (how this benchmark measured it before 2026-12-07 13:00:
     * {@code drop_caches} keeps the pages a running process maps, so about half of libjvm and the
     * JDK's archive stayed in memory), then after {@code exit} stopped the guest's services and no
     * JVM runs: a cold start, as the first JVM of a boot pays it. The ratio's figure is the second.
     */
    private static Measured bootAndJavaVersion(GuestImage image, Path dir, TimeoutScale scale) throws InterruptedException {
        try (QemuVm vm = QemuVm.start(VmConfig.builder(image, dir).scale(scale).build())) {
            Boot boot = Boot.of(vm);
            double beside = javaVersion(vm);
            int from = vm.lines().size();
            vm.type("exit");
            // What the slot's init prints when the guest's JVM has exited after exit at its console.
            String stopped = Marker.SLOT_INIT_STOPPED.line();
            GuestClock.awaitLine(vm, from, l -> l.stripTrailing().equals(stopped), "'" + stopped + "' line",
                    scale.scale(Duration.ofSeconds(60)));
            return new Measured(boot, javaVersion(vm), beside);
        }
    }

    private static double javaVersion(QemuVm vm) throws InterruptedException {
        int from = vm.lines().size();
        vm.type("sync; echo 3 > /proc/sys/vm/drop_caches; time java -Xshare:auto -version");
        return GuestClock.awaitBusyboxReal(vm, from, Duration.ofSeconds(180));
    }

    private record Measured(Boot boot, double javaVersion, double javaVersionBeside) {}

    /** One boot to the console: OpenSBI banner to the stage-0 marker and to {@code updated: ready}, in seconds. */
    record Boot(double stage0, double ready) {
        static Boot of(QemuVm vm) {
            vm.await(Contract.builtIn("first-boot"));
            vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
            ConsoleLine start = banner(vm);
            return new Boot(GuestClock.seconds(start, GuestClock.line(vm, "stage0: boot ")),
                    GuestClock.seconds(start, GuestClock.line(vm, Marker.UPDATED_READY.line())));
        }
    }

    private static ConsoleLine banner(QemuVm vm) {
        return vm.lines().stream().filter(l -> BootBoundary.startsNewBoot(l.text())).findFirst().orElseThrow();
    }
}
