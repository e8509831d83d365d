package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.VmConfig;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-boot (profile {@code bench}): in one run, boots (1) the floor — the kernel
 * with a tiny initramfs whose /init prints one line — and (2) the real image to {@code updated:
 * ready}, then times a cold {@code java -version} in that guest. Prints the ratio
 * boot-to-ready ÷ (floor + java -version); goal ≤ 1.5. Not part of {@code mvn verify}.
 */
class BootBenchmark {
    private static final Pattern BUSYBOX_REAL = Pattern.compile("real\\s+(\\d+)m\\s*([\\d.]+)s");

    @Test
    void bootToReadyAgainstFloorPlusJavaVersion() throws Exception {
        Path properties = Path.of(System.getProperty(GuestImage.PROPERTY));
        GuestImage image = GuestImage.load(properties);
        Properties p = new Properties();
        try (var in = Files.newInputStream(properties)) {
            p.load(in);
        }
        Path floorInitrd = properties.resolveSibling(p.getProperty("floor_initrd"));
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("BootBenchmark");
        String load = Files.readString(Path.of("/proc/loadavg")).strip();

        double floor;
        GuestImage floorImage = new GuestImage(image.kernel(), floorInitrd, image.disk(), Optional.empty(), image.append());
        try (QemuVm vm = QemuVm.start(VmConfig.builder(floorImage, runs.resolve("floor")).build())) {
            vm.await(Contract.parse("floor", "boot 1\nexpect 120s \"floor: init reached\"\n"));
            floor = seconds(banner(vm), line(vm, "floor: init reached"));
        }

        double stage0;
        double ready;
        double javaVersion;
        try (QemuVm vm = QemuVm.start(VmConfig.builder(image, runs.resolve("image")).build())) {
            vm.await(Contract.builtIn("first-boot"));
            vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
            ConsoleLine start = banner(vm);
            stage0 = seconds(start, lineStarting(vm, "stage0: boot "));
            ready = seconds(start, line(vm, Marker.UPDATED_READY.line()));
            vm.type("sync; echo 3 > /proc/sys/vm/drop_caches; time java -Xshare:auto -version");
            javaVersion = awaitBusyboxReal(vm, Duration.ofSeconds(180));
        }

        double ratio = ready / (floor + javaVersion);
        System.out.printf("%nboot benchmark (one run; host load average %s)%n", load);
        System.out.printf("  floor: OpenSBI banner -> /init of a tiny initramfs   %6.1f s%n", floor);
        System.out.printf("  java -version in the guest (cold page cache)        %6.1f s%n", javaVersion);
        System.out.printf("  boot: OpenSBI banner -> stage-0 marker              %6.1f s%n", stage0);
        System.out.printf("  boot: OpenSBI banner -> updated: ready               %6.1f s%n", ready);
        System.out.printf("  ratio boot-to-ready / (floor + java -version)       %6.2f   (goal <= 1.5)%n%n", ratio);
        assertTrue(floor > 0 && javaVersion > 0 && ready > 0, "all three figures measured");
    }

    private static ConsoleLine banner(QemuVm vm) {
        return vm.lines().stream().filter(l -> BootBoundary.startsNewBoot(l.text())).findFirst().orElseThrow();
    }

    private static ConsoleLine line(QemuVm vm, String text) {
        return vm.lines().stream().filter(l -> l.text().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no console line '" + text + "'"));
    }

    private static ConsoleLine lineStarting(QemuVm vm, String prefix) {
        return vm.lines().stream().filter(l -> l.text().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no console line starting '" + prefix + "'"));
    }

    private static double seconds(ConsoleLine from, ConsoleLine to) {
        return (to.at().toNanos() - from.at().toNanos()) / 1e9;
    }

    /** Waits for busybox time's "real 0m 4.12s" line and returns the seconds. */
    private static double awaitBusyboxReal(QemuVm vm, Duration timeout) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(timeout);
        int seen = vm.lines().size();
        while (Instant.now().isBefore(deadline)) {
            List<ConsoleLine> lines = vm.lines();
            for (ConsoleLine l : lines.subList(Math.max(0, seen - 5), lines.size())) {
                Matcher m = BUSYBOX_REAL.matcher(l.text().strip());
                if (m.matches()) {
                    return Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no 'real' line from busybox time within " + timeout + "; see " + vm.serialLog());
    }
}
