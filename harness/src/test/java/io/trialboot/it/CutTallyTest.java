package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.it.CutPlan.Phase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CutTallyTest {
    @Test
    void countsPerPhaseAndInTotalAndKeepsEachFailureWithItsReplayLine() {
        CutTally t = new CutTally();
        CutPlan.Point p = CutPlan.fromProperties(Map.of(CutPlan.SEED, "3")::get, 0).run().get(4);
        assertEquals(Phase.DELTA_APPLY, p.phase());
        t.tried(CutPlan.fromProperties(Map.of(CutPlan.SEED, "3")::get, 0).run().get(0), 3, List.of());
        t.tried(p, 3, List.of(new CutTally.Failure(CutTally.Kind.RETRY_FAILED,
                "nx update apply ... did not end in 'update: await confirm'")));
        assertEquals(2, t.tried());
        assertEquals(List.of(p.describe(3) + ": retry failed: nx update apply ... did not end in 'update: await confirm'"),
                t.failures());
        assertEquals("""
                | phase | points tried | bricks | unverified boots | lost entries | retries failed |
                |---|---:|---:|---:|---:|---:|
                | full-apply | 1 | 0 | 0 | 0 | 0 |
                | switch | 0 | 0 | 0 | 0 | 0 |
                | stage0-decrement | 0 | 0 | 0 | 0 | 0 |
                | confirm | 0 | 0 | 0 | 0 | 0 |
                | delta-apply | 1 | 0 | 0 | 0 | 1 |
                | rollback | 0 | 0 | 0 | 0 | 0 |
                | **all** | 2 | 0 | 0 | 0 | 1 |
                """, t.table());
    }

    @Test
    void aLaterSittingResumesWithThePointsLeftAndTheCountsSoFar() {
        CutPlan plan = CutPlan.fromProperties(Map.of(CutPlan.SEED, "8", CutPlan.POINTS, "20", CutPlan.ONLY, "0-5,12-13")::get, 0);
        CutTally first = new CutTally();
        for (CutPlan.Point p : plan.run()) {
            first.tried(p, 8, p.index() == 3 ? List.of(new CutTally.Failure(CutTally.Kind.LOST, "history line 4 is 'x'")) : List.of());
        }
        String state = first.state(plan, 700);
        assertEquals("<!-- powercut-state seed=8 points=20 sittings=1 seconds=700 done=0-5,12-13 counts=full-apply:2:0:0:0:0;"
                + "switch:2:0:0:0:0;stage0-decrement:1:0:0:0:0;confirm:1:0:0:1:0;delta-apply:1:0:0:0:0;rollback:1:0:0:0:0 -->", state);
        first.stalled(plan.run().get(2).describe(8), "boot 7 silent since OpenSBI's banner; vCPUs: cpu0 pc=ffffffff80001234 (kernel)");
        String summary = "Seed 8, 8 of 20 points tried in 700 s of QEMU time.\n\n" + first.table() + "\nFailures:\n\n- "
                + first.failures().get(0) + "\n\nStalls before stage 0: 1 (QEMU powered on again)\n\n- " + first.stalls().get(0)
                + "\n\n" + state + "\n";

        CutTally.Resumed r = CutTally.resume(summary, 2);
        assertEquals(8, r.plan().seed());
        assertEquals(20, r.plan().points());
        assertEquals(2, r.plan().workers());
        assertEquals("6-11,14-19", CutTally.ranges(r.plan().only()));
        assertEquals(first.table(), r.tally().table());
        assertEquals(first.failures(), r.tally().failures());
        assertEquals(first.stalls(), r.tally().stalls());
        assertEquals(2, r.tally().sittings());
        assertEquals(700, r.tally().earlierSeconds());
        for (CutPlan.Point p : r.plan().run()) r.tally().tried(p, 8, List.of());
        assertEquals(20, r.tally().tried());
        assertTrue(r.tally().state(r.plan(), 50).contains(" sittings=2 seconds=750 done=0-19 "));
    }

    @Test
    void aSummaryWithoutFailuresOrStallsResumesWithNone() {
        CutPlan plan = CutPlan.fromProperties(Map.of(CutPlan.SEED, "8", CutPlan.POINTS, "20", CutPlan.ONLY, "0-3")::get, 0);
        CutTally first = new CutTally();
        for (CutPlan.Point p : plan.run()) first.tried(p, 8, List.of());
        String summary = "Seed 8, 4 of 20 points tried in 90 s of QEMU time.\n\n" + first.table() + "\nNo invariant broken.\n\n"
                + first.state(plan, 90) + "\n";
        CutTally.Resumed r = CutTally.resume(summary, 1);
        assertEquals(List.of(), r.tally().failures());
        assertEquals(List.of(), r.tally().stalls());
        assertEquals("4-19", CutTally.ranges(r.plan().only()));
    }

    @Test
    void resumingNothingOrAFinishedCampaignSaysWhy() {
        assertEquals("no power-cut campaign to resume: the summary has no '<!-- powercut-state ... -->' line"
                + " (scripts/reliability writes one)", assertThrows(IllegalArgumentException.class,
                () -> CutTally.resume("Not yet run with `-Preliability`.", 1)).getMessage());
        CutPlan plan = CutPlan.fromProperties(Map.of(CutPlan.SEED, "8", CutPlan.POINTS, "2")::get, 0);
        CutTally t = new CutTally();
        for (CutPlan.Point p : plan.run()) t.tried(p, 8, List.of());
        assertEquals("the campaign of seed 8 has tried all 2 points: nothing to resume", assertThrows(
                IllegalArgumentException.class, () -> CutTally.resume(t.state(plan, 1), 1)).getMessage());
    }
}
