package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.harness.VmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #6 part 1: a seeded campaign of power cuts in QEMU (SIGKILL, nothing flushed) during a full
 * apply, a delta apply, the switch, the trial boot's stage-0 decrement, the confirm and a rollback,
 * each followed by a restart on the same overlay and the checks of {@link PowerCutCampaign}. One VM
 * serves every point (each boot costs 15–40 s under TCG); {@value CutPlan#WORKERS}{@code =N} runs N
 * VMs side by side, each on whole rounds of the plan (worker 1 is the extension's VM, the others run
 * in sibling directories {@code <run dir>-worker<k>}). Before each cut it prints
 * {@code power-cut seed=<s> point=<i> phase=<p> trigger=<t>} and the properties that replay it.
 * The summary table goes to {@code target/reliability/summary.md} ({@value #SUMMARY} moves it),
 * rewritten after every point and ending in a state line; {@value #RESUME}{@code =<summary>} goes on
 * with the points an earlier sitting left. {@code -Preliability} runs 200 points and
 * {@code scripts/reliability} copies the table into {@code docs/reliability.md}.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class PowerCutIT {
    static final String SUMMARY = "trialboot.powercut.summary";
    /** A summary an earlier sitting wrote: the campaign goes on with the points it has not tried. */
    static final String RESUME = "trialboot.powercut.resume";

    @Test
    void everyCutLeavesAVerifiedBootableDeviceWhoseUpdateCanBeRetried(QemuVm vm) throws Exception {
        CutTally.Resumed setup = campaign();
        CutPlan plan = setup.plan();
        CutTally tally = setup.tally();
        int earlier = tally.tried();
        long t0 = System.nanoTime();
        Runnable summary = () -> writeSummary(plan, tally, (System.nanoTime() - t0) / 1_000_000_000L);
        List<QemuVm> vms = new ArrayList<>(List.of(vm));
        ExecutorService pool = Executors.newFixedThreadPool(plan.workers());
        try {
            for (int k = 2; k <= plan.workers(); k++) {
                vms.add(QemuVm.start(workerConfig(vm, k), SnapshotRecipe.FACTORY_AT_CONSOLE));
            }
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < plan.workers(); w++) {
                PowerCutCampaign campaign = new PowerCutCampaign(vms.get(w), plan, w, tally, summary);
                running.add(pool.submit(campaign::run));
            }
            Throwable first = null;
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                    else first.addSuppressed(e.getCause());
                }
            }
            if (first instanceof Error e) throw e;
            if (first instanceof Exception e) throw e;
        } finally {
            pool.shutdownNow();
            summary.run();
            vms.subList(1, vms.size()).forEach(QemuVm::close);
        }
        assertEquals(List.of(), tally.failures(), "power cuts that broke an invariant (replay each with the"
                + " properties printed before it):\n" + tally.table());
        assertEquals(plan.run().size(), tally.tried() - earlier, "points tried in this sitting");
        for (QemuVm w : vms.subList(1, vms.size())) {
            Files.deleteIfExists(w.overlay());
        }
    }

    /** A fresh campaign from the properties, or the rest of the one {@value #RESUME} names. */
    private static CutTally.Resumed campaign() throws IOException {
        String resume = System.getProperty(RESUME);
        if (resume == null || resume.isBlank()) {
            return new CutTally.Resumed(CutPlan.fromProperties(System::getProperty, System.nanoTime()), new CutTally());
        }
        for (String p : List.of(CutPlan.SEED, CutPlan.ONLY)) {
            String v = System.getProperty(p);
            if (v != null && !v.isBlank()) {
                throw new IllegalArgumentException(RESUME + " takes the seed and the points left from " + resume
                        + "; do not set " + p);
            }
        }
        CutTally.Resumed r = CutTally.resume(Files.readString(Path.of(resume), StandardCharsets.UTF_8),
                CutPlan.fromProperties(System::getProperty, 0).workers());
        String points = System.getProperty(CutPlan.POINTS);
        if (points != null && !points.isBlank() && !points.strip().equals(Integer.toString(r.plan().points()))) {
            throw new IllegalArgumentException("the campaign in " + resume + " has " + r.plan().points() + " points, not "
                    + points.strip() + " (" + CutPlan.POINTS + ")");
        }
        System.out.println("power-cut campaign resumed from " + resume + ": seed " + r.plan().seed() + ", "
                + r.tally().tried() + " of " + r.plan().points() + " points tried in " + (r.tally().sittings() - 1)
                + " earlier sitting(s); points left: " + CutTally.ranges(r.plan().only()));
        return r;
    }

    /** Worker {@code k}'s VM: the extension's, in the sibling directory {@code <run dir>-worker<k>} (emptied first). */
    private static VmConfig workerConfig(QemuVm first, int k) throws IOException {
        VmConfig c = first.config();
        Path dir = c.runDir().resolveSibling(c.runDir().getFileName() + "-worker" + k);
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        return c.withRunDir(dir);
    }

    private static synchronized void writeSummary(CutPlan plan, CutTally tally, long seconds) {
        Path out = Path.of(System.getProperty(SUMMARY, "target/reliability/summary.md"));
        StringBuilder sb = new StringBuilder();
        sb.append("Seed ").append(plan.seed()).append(", ").append(tally.tried()).append(" of ")
                .append(plan.points()).append(" points tried in ").append(tally.earlierSeconds() + seconds)
                .append(" s of QEMU time");
        if (tally.sittings() > 1) {
            sb.append(" over ").append(tally.sittings()).append(" sittings (this one: ").append(seconds).append(" s)");
        }
        sb.append(plan.workers() == 1 ? "" : ", " + plan.workers() + " VMs side by side").append(" (")
                .append(CutPlan.POINTS).append('=').append(plan.points()).append(").\n\n");
        sb.append(tally.table());
        List<String> failures = tally.failures();
        sb.append('\n').append(failures.isEmpty() ? "No invariant broken.\n" : CutTally.FAILURES + "\n\n");
        for (String f : failures) {
            sb.append("- ").append(f.replace('\n', ' ')).append('\n');
        }
        List<String> stalls = tally.stalls();
        if (!stalls.isEmpty()) {
            sb.append('\n').append(CutTally.STALLS).append(": ").append(stalls.size())
                    .append(" (QEMU powered on again; an emulator fault, not counted as a brick)\n\n");
            for (String s : stalls) {
                sb.append("- ").append(s.replace('\n', ' ')).append('\n');
            }
        }
        sb.append('\n').append(tally.state(plan, seconds)).append('\n');
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the power-cut summary " + out, e);
        }
        System.out.println("power-cut summary: " + out.toAbsolutePath() + "\n" + sb);
    }
}
