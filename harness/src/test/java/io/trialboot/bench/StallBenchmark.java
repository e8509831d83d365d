package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.harness.TcgThreads;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * scripts/bench-stall (profile {@code bench}): the second-hart stall's rate and the floor's boot time
 * under each way of running the harts (docs/reliability.md, "The second-hart stall"). Boots the
 * floor — the kernel with a tiny initramfs whose /init prints one line, bench-boot's floor — with
 * two harts (the harness's default is one, for this stall) N times per {@link TcgThreads} mode, the
 * modes interleaved boot by boot so both see the same host, each
 * boot a fresh QEMU launched as every test's is. A boot whose line does not come within the bound
 * with a hart outside the kernel is a stall: its report and every vCPU's registers go to
 * {@code stalls.txt}. Prints per mode: boots, stalls, and the floor's median and 90th percentile
 * (OpenSBI banner to /init). The load beside it (a CPU-bound process pinned to a core, …) is the
 * caller's: scripts/bench-stall starts it. Not part of {@code mvn verify}.
 */
class StallBenchmark {
    static final String BOOTS = "trialboot.bench.stall.boots";
    static final String MODES = "trialboot.bench.stall.modes";
    static final String BOUND = "trialboot.bench.stall.boundSeconds";

    @Test
    void stallRateAndFloorBootTimePerTcgThreadMode() throws Exception {
        Path properties = Path.of(System.getProperty(GuestImage.PROPERTY));
        GuestImage image = GuestImage.load(properties);
        GuestImage floor = FloorImage.of(image, properties);
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs")).resolve("StallBenchmark");
        Files.createDirectories(runs);
        Path stalls = runs.resolve("stalls.txt");
        Files.deleteIfExists(stalls);
        int boots = Integer.parseInt(System.getProperty(BOOTS, "40"));
        long bound = Long.parseLong(System.getProperty(BOUND, "30"));
        List<TcgThreads> modes = Arrays.stream(System.getProperty(MODES, "multi,single").split(","))
                .map(m -> TcgThreads.valueOf(m.strip().toUpperCase(Locale.ROOT))).toList();
        TimeoutScale scale = TimeoutScale.fromEnvironment();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();

        Map<TcgThreads, Tally> tallies = new EnumMap<>(TcgThreads.class);
        modes.forEach(m -> tallies.put(m, new Tally()));
        for (int i = 1; i <= boots; i++) {
            for (TcgThreads mode : modes) {
                VmConfig config = VmConfig.builder(floor, runs.resolve(mode.name().toLowerCase(Locale.ROOT)))
                        .smp(2).tcgThreads(mode).scale(scale).build(); // the stall needs a second hart
                try (QemuVm vm = QemuVm.start(config)) {
                    try {
                        vm.await(Contract.parse("floor", "boot 1\nexpect " + bound + "s \"" + FloorImage.LINE + "\"\n"));
                        tallies.get(mode).seconds.add(GuestClock.seconds(banner(vm), GuestClock.line(vm, FloorImage.LINE)));
                    } catch (AssertionError e) {
                        boolean stall = vm.isRunning() && !vm.vcpuSnapshot().kernelRunsEveryHart();
                        String registers = !vm.isRunning() ? "QEMU exited\n" : String.valueOf(vm.qmp().execute(
                                "human-monitor-command", Map.of("command-line", "info registers -a"))) + threadCpu(config.runDir());
                        (stall ? tallies.get(mode).stalls : tallies.get(mode).other).add(i);
                        Files.writeString(stalls, "=== " + mode + " boot " + i + (stall ? " (stall)" : " (not a stall)") + "\n"
                                + e.getMessage() + "\n" + registers + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
            }
        }

        System.out.printf("%nsecond-hart stall benchmark: %d floor boots per mode, bound %d s x scale %s"
                + " (host load average before %s, after %s)%n", boots, bound, scale, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip());
        for (TcgThreads mode : modes) {
            Tally t = tallies.get(mode);
            System.out.printf("  -accel %-18s stalls %d of %d %s  other failures %d  floor median %.2f s  p90 %.2f s%n",
                    mode.name().toLowerCase(Locale.ROOT).transform(m -> "tcg,thread=" + m), t.stalls.size(), boots,
                    t.stalls.isEmpty() ? "" : t.stalls.toString(), t.other.size(), t.percentile(0.5), t.percentile(0.9));
        }
        if (Files.exists(stalls)) System.out.println("  reports and registers: " + stalls.toAbsolutePath());
        System.out.println();
        assertTrue(tallies.values().stream().allMatch(t -> t.seconds.size() + t.stalls.size() + t.other.size() == boots),
                "every boot counted");
    }

    /** One mode's boots: the floor's times, and which boots stalled or failed otherwise. */
    private static final class Tally {
        final List<Double> seconds = new ArrayList<>();
        final List<Integer> stalls = new ArrayList<>();
        final List<Integer> other = new ArrayList<>();

        double percentile(double q) {
            if (seconds.isEmpty()) return Double.NaN;
            List<Double> sorted = seconds.stream().sorted().toList();
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
        }
    }

    /**
     * The CPU each thread of the QEMU running in {@code runDir} used over one second, by its name
     * ({@code CPU 0/TCG}, …): a vCPU thread spinning (a guest loop) reads about 1 s, one blocked in
     * QEMU (a lock, a halted hart) about 0.
     */
    private static String threadCpu(Path runDir) throws Exception {
        Optional<ProcessHandle> qemu = ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains(runDir.toString())).findFirst();
        if (qemu.isEmpty()) return "host threads: QEMU not found\n";
        Path tasks = Path.of("/proc", String.valueOf(qemu.get().pid()), "task");
        Map<String, Long> before = ticks(tasks);
        Thread.sleep(1_000);
        Map<String, Long> after = ticks(tasks);
        StringBuilder sb = new StringBuilder("host threads' CPU over 1 s (clock ticks, 100 a second):");
        after.forEach((name, t) -> sb.append(" [").append(name).append("] ").append(t - before.getOrDefault(name, t)));
        return sb.append('\n').toString();
    }

    /** utime + stime of each thread under {@code tasks}, keyed by "tid name". */
    private static Map<String, Long> ticks(Path tasks) throws Exception {
        Map<String, Long> m = new TreeMap<>();
        try (var s = Files.list(tasks)) {
            for (Path t : s.toList()) {
                String stat = Files.readString(t.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                m.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            }
        }
        return m;
    }

    private static ConsoleLine banner(QemuVm vm) {
        return vm.lines().stream().filter(l -> BootBoundary.startsNewBoot(l.text())).findFirst().orElseThrow();
    }
}
