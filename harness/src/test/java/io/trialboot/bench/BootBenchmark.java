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
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-boot (profile {@code bench}): in one run, boots (1) the floor — the kernel
 * with a tiny initramfs whose /init prints one line — and (2) the real image to {@code updated:
 * ready}, then times a cold {@code java -version} in that guest. Prints the ratio
 * boot-to-ready ÷ (floor + java -version); goal ≤ 1.5. With {@value #BASELINE} naming another
 * build's guest.properties (scripts/bench-boot --baseline DIR), boots that image to {@code updated:
 * ready} too, before this one, and prints its ratio against the same floor and java -version: a
 * change measured against its baseline in one run. Not part of {@code mvn verify}.
 */
class BootBenchmark {
    static final String BASELINE = "trialboot.bench.baseline";

    @Test
    void bootToReadyAgainstFloorPlusJavaVersion() throws Exception {
        Path properties = Path.of(System.getProperty(GuestImage.PROPERTY));
        GuestImage image = GuestImage.load(properties);
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("BootBenchmark");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        TimeoutScale scale = TimeoutScale.fromEnvironment();

        double floor;
        GuestImage floorImage = FloorImage.of(image, properties);
        try (QemuVm vm = QemuVm.start(VmConfig.builder(floorImage, runs.resolve("floor")).scale(scale).build())) {
            vm.await(Contract.parse("floor", "boot 1\nexpect 120s \"" + FloorImage.LINE + "\"\n"));
            floor = GuestClock.seconds(banner(vm), GuestClock.line(vm, FloorImage.LINE));
        }

        Optional<Boot> baseline = Optional.empty();
        String baselineProperties = System.getProperty(BASELINE, "");
        if (!baselineProperties.isBlank()) {
            try (QemuVm vm = QemuVm.start(VmConfig.builder(GuestImage.load(Path.of(baselineProperties)),
                    runs.resolve("baseline")).scale(scale).build())) {
                baseline = Optional.of(Boot.of(vm));
            }
        }

        Boot boot;
        double javaVersion;
        try (QemuVm vm = QemuVm.start(VmConfig.builder(image, runs.resolve("image")).scale(scale).build())) {
            boot = Boot.of(vm);
            vm.type("sync; echo 3 > /proc/sys/vm/drop_caches; time java -Xshare:auto -version");
            javaVersion = GuestClock.awaitBusyboxReal(vm, Duration.ofSeconds(180));
        }

        double ratio = boot.ready() / (floor + javaVersion);
        System.out.printf("%nboot benchmark (one run; host load average %s)%n", load);
        System.out.printf("  floor: OpenSBI banner -> /init of a tiny initramfs   %6.1f s%n", floor);
        System.out.printf("  java -version in the guest (cold page cache)        %6.1f s%n", javaVersion);
        System.out.printf("  boot: OpenSBI banner -> stage-0 marker              %6.1f s%n", boot.stage0());
        System.out.printf("  boot: OpenSBI banner -> updated: ready               %6.1f s%n", boot.ready());
        System.out.printf("  ratio boot-to-ready / (floor + java -version)       %6.2f   (goal <= 1.5)%n", ratio);
        baseline.ifPresent(b -> {
            System.out.printf("  baseline %s%n", baselineProperties);
            System.out.printf("    boot: OpenSBI banner -> stage-0 marker            %6.1f s%n", b.stage0());
            System.out.printf("    boot: OpenSBI banner -> updated: ready             %6.1f s%n", b.ready());
            System.out.printf("    ratio boot-to-ready / (floor + java -version)     %6.2f%n", b.ready() / (floor + javaVersion));
            System.out.printf("  stage 0 -> ready: this image / baseline              %6.2f%n",
                    (boot.ready() - boot.stage0()) / (b.ready() - b.stage0()));
        });
        System.out.println();
        assertTrue(floor > 0 && javaVersion > 0 && boot.ready() > 0, "all three figures measured");
    }

    /** One boot to the console: OpenSBI banner to the stage-0 marker and to {@code updated: ready}, in seconds. */
    private record Boot(double stage0, double ready) {
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
