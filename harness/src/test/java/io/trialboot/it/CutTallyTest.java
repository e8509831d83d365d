package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        t.tried(Phase.FULL_APPLY);
        t.tried(Phase.DELTA_APPLY);
        t.failed(p, 3, CutTally.Kind.RETRY_FAILED, "nx update apply ... did not end in 'update: await confirm'");
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
}
