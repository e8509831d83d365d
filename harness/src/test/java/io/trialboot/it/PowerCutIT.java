package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #6 part 1: a seeded campaign of power cuts in QEMU (SIGKILL, nothing flushed) during a full
 * apply, a delta apply, the switch, the trial boot's stage-0 decrement, the confirm and a rollback,
 * each followed by a restart on the same overlay and the checks of {@link PowerCutCampaign}. One VM
 * serves every point (each boot costs 15–40 s under TCG). Before each cut it prints
 * {@code power-cut seed=<s> point=<i> phase=<p> trigger=<t>} and the properties that replay it.
 * The summary table goes to {@code target/reliability/summary.md} ({@value #SUMMARY} moves it);
 * {@code -Preliability} runs 200 points and {@code scripts/reliability} copies the table into
 * {@code docs/reliability.md}.
 */
@QemuTest(append = "trialboot.health_timeout_s=30")
class PowerCutIT {
    static final String SUMMARY = "trialboot.powercut.summary";

    @Test
    void everyCutLeavesAVerifiedBootableDeviceWhoseUpdateCanBeRetried(QemuVm vm) {
        CutPlan plan = CutPlan.fromProperties(System::getProperty, System.nanoTime());
        long t0 = System.nanoTime();
        PowerCutCampaign[] campaign = new PowerCutCampaign[1];
        Runnable summary = () -> writeSummary(plan, campaign[0], (System.nanoTime() - t0) / 1_000_000_000L);
        campaign[0] = new PowerCutCampaign(vm, plan, summary);
        try {
            campaign[0].run();
        } finally {
            summary.run();
        }
        CutTally tally = campaign[0].tally();
        assertEquals(List.of(), tally.failures(), "power cuts that broke an invariant (replay each with the"
                + " properties printed before it):\n" + tally.table());
        assertEquals(plan.run().size(), tally.tried(), "points tried");
    }

    private static void writeSummary(CutPlan plan, PowerCutCampaign campaign, long seconds) {
        Path out = Path.of(System.getProperty(SUMMARY, "target/reliability/summary.md"));
        StringBuilder sb = new StringBuilder();
        sb.append("Seed ").append(plan.seed()).append(", ").append(campaign.tally().tried()).append(" of ")
                .append(plan.run().size()).append(" points tried in ").append(seconds).append(" s of QEMU time (")
                .append(CutPlan.POINTS).append('=').append(plan.points()).append(").\n\n");
        sb.append(campaign.tally().table());
        List<String> failures = campaign.tally().failures();
        sb.append('\n').append(failures.isEmpty() ? "No invariant broken.\n" : "Failures:\n\n");
        for (String f : failures) {
            sb.append("- ").append(f.replace('\n', ' ')).append('\n');
        }
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the power-cut summary " + out, e);
        }
        System.out.println("power-cut summary: " + out.toAbsolutePath() + "\n" + sb);
    }
}
