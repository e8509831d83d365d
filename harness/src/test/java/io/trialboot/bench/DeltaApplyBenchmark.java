package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Version;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.VmConfig;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-apply (profile {@code bench}), issue #17: in one boot of the guest, the delta apply
 * of v1.2.0 (kind 2, from v1.1.0 on the active slot b) against the full apply of v1.3.0, an image of
 * the same size, into the same slot a, alternating ({@value #ROUNDS} rounds, the full apply first in
 * odd rounds and second in even ones, so a drift of the host's load falls on both). Each apply runs
 * from {@code update: manifest ok} to {@code update: apply ok} with the page cache dropped before it;
 * {@code nx rollback} then marks the installed trial bad, so the next apply may write slot a again.
 * Goal: delta ÷ full ≤ 1.0. Not part of {@code mvn verify}.
 */
class DeltaApplyBenchmark {
    private static final int ROUNDS = Integer.getInteger("trialboot.bench.rounds", 3);
    private static final String FULL = MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.3.0")));
    private static final String DELTA = MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.2.0")));

    @Test
    void deltaApplyAgainstAFullApplyOfTheSameSize() throws Exception {
        GuestImage image = GuestImage.fromSystemProperty();
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("DeltaApplyBenchmark");
        List<String> loads = new ArrayList<>();
        List<double[]> rounds = new ArrayList<>();
        try (QemuVm vm = QemuVm.start(VmConfig.builder(image, runs).build())) {
            vm.await(Contract.builtIn("first-boot"));
            vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
            vm.type("nx selfcheck");
            vm.type("nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0"))));
            vm.await(Contract.parse("install-1.1.0", """
                    boot 1
                    expect 600s UPDATE_APPLY_OK b full
                    expect 60s UPDATE_AWAIT_CONFIRM
                    """));
            vm.type("nx reboot");
            vm.await(Contract.parse("confirm-1.1.0", """
                    boot 2
                    expect 180s STAGE0_BOOT b trial * *
                    expect 300s HEALTH_TRIAL_OK
                    expect 120s GUEST_SHELL_READY
                    expect 30s "trialboot#"
                    """));
            for (int round = 1; round <= ROUNDS; round++) {
                loads.add(Files.readString(Path.of("/proc/loadavg")).strip());
                double full;
                double delta;
                if (round % 2 == 1) {
                    full = apply(vm, FULL, "1.3.0", "full");
                    delta = apply(vm, DELTA, "1.2.0", "delta");
                } else {
                    delta = apply(vm, DELTA, "1.2.0", "delta");
                    full = apply(vm, FULL, "1.3.0", "full");
                }
                rounds.add(new double[] {full, delta});
            }
            loads.add(Files.readString(Path.of("/proc/loadavg")).strip());
        }
        System.out.printf("%ndelta apply benchmark (one boot on slot b, v1.1.0; host load average before each round"
                + " and after: %s)%n", String.join(" | ", loads));
        for (int i = 0; i < rounds.size(); i++) {
            double[] r = rounds.get(i);
            System.out.printf("  round %d: full apply of v1.3.0 %6.2f s, delta apply of v1.2.0 %6.2f s, delta / full %5.2f%n",
                    i + 1, r[0], r[1], r[1] / r[0]);
        }
        double full = rounds.stream().mapToDouble(r -> r[0]).sum();
        double delta = rounds.stream().mapToDouble(r -> r[1]).sum();
        System.out.printf("  all rounds: full %6.2f s, delta %6.2f s, delta / full %5.2f   (goal <= 1.0)%n%n",
                full, delta, delta / full);
        assertTrue(full > 0 && delta > 0, "both figures measured");
    }

    /**
     * Drops the page cache, applies {@code manifest} into slot a and puts it back (rollback, selfcheck);
     * returns the seconds from {@code update: manifest ok} to {@code update: apply ok}.
     */
    private static int settled;

    private static double apply(QemuVm vm, String manifest, String version, String kind) {
        int from = vm.lines().size();
        vm.type("sync; echo 3 > /proc/sys/vm/drop_caches");
        vm.type("nx update apply " + manifest);
        vm.await(Contract.parse("apply-" + version, """
                boot %d
                expect 120s UPDATE_MANIFEST_OK %s *
                expect 600s UPDATE_APPLY_OK a %s
                expect 60s UPDATE_AWAIT_CONFIRM
                """.formatted(vm.currentBoot(), version, kind)));
        double s = GuestClock.seconds(GuestClock.line(vm, from, LinePattern.of(Marker.UPDATE_MANIFEST_OK, version, "*")),
                GuestClock.line(vm, from, LinePattern.of(Marker.UPDATE_APPLY_OK, "a", kind)));
        // the console runs an nx line itself and any other line in the shell, which echoes what is
        // typed: the marker's digits exist only once the shell ran the line, after the two before it
        settled++;
        vm.type("nx rollback");
        vm.type("nx selfcheck");
        vm.type("echo settled-$((" + settled + " * 1000))");
        vm.await(Contract.parse("settled-" + settled, """
                boot %d
                expect 120s "settled-%d"
                """.formatted(vm.currentBoot(), settled * 1000)));
        return s;
    }
}
