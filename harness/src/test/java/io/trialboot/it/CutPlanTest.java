package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.it.CutPlan.Phase;
import io.trialboot.it.CutPlan.Point;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CutPlanTest {
    private static CutPlan plan(Map<String, String> props) {
        return CutPlan.fromProperties(props::get, 42);
    }

    @Test
    void theSameSeedGivesTheSamePointsAndEveryPhaseComesRoundInOrder() {
        List<Point> a = plan(Map.of(CutPlan.SEED, "7", CutPlan.POINTS, "12")).run();
        List<Point> b = plan(Map.of(CutPlan.SEED, "7", CutPlan.POINTS, "12")).run();
        assertEquals(a, b);
        assertEquals(12, a.size());
        for (Point p : a) {
            assertEquals(Phase.values()[p.index() % 6], p.phase());
        }
        assertTrue(!a.equals(plan(Map.of(CutPlan.SEED, "8", CutPlan.POINTS, "12")).run()), "another seed, other triggers");
    }

    @Test
    void onlyReplaysTheNamedPointWithTheTriggerItHadInTheWholeCampaign() {
        List<Point> all = plan(Map.of(CutPlan.SEED, "99", CutPlan.POINTS, "200")).run();
        List<Point> one = plan(Map.of(CutPlan.SEED, "99", CutPlan.POINTS, "200", CutPlan.ONLY, "137")).run();
        assertEquals(List.of(all.get(137)), one);
        List<Point> implied = plan(Map.of(CutPlan.SEED, "99", CutPlan.ONLY, "3, 17")).run();
        assertEquals(List.of(all.get(3), all.get(17)), implied);
    }

    @Test
    void defaultsAreTenPointsAndTheFreshSeed() {
        CutPlan p = plan(Map.of());
        assertEquals(42, p.seed());
        assertEquals(CutPlan.DEFAULT_POINTS, p.run().size());
        assertTrue(CutPlan.DEFAULT_POINTS >= 10, "the default campaign is at least 10 points (issue #6)");
    }

    @Test
    void theLinePrintedBeforeACutNamesSeedPointPhaseAndTrigger() {
        Point p = plan(Map.of(CutPlan.SEED, "5", CutPlan.POINTS, "6")).run().get(0);
        assertTrue(p.describe(5).matches("power-cut seed=5 point=0 phase=full-apply trigger=progress>=[0-9]{1,2}%\\+[0-9]+ms"),
                p.describe(5));
        Point stage0 = plan(Map.of(CutPlan.SEED, "5", CutPlan.POINTS, "6")).run().get(2);
        assertTrue(stage0.describe(5).matches(".* phase=stage0-decrement trigger=banner\\+[0-9]+%-of-stage0-time"),
                stage0.describe(5));
        assertTrue(stage0.trigger().percent() >= 60 && stage0.trigger().percent() < 116);
    }

    @Test
    void badPropertiesSayWhichAndWhy() {
        assertEquals("trialboot.powercut.points must be 1..100000, got 0", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.POINTS, "0"))).getMessage());
        assertEquals("trialboot.powercut.only names point 10, outside 0..9", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.POINTS, "10", CutPlan.ONLY, "10"))).getMessage());
        assertEquals("trialboot.powercut.seed must be a whole number, got 'x'", assertThrows(
                IllegalArgumentException.class, () -> plan(Map.of(CutPlan.SEED, "x"))).getMessage());
        assertEquals("trialboot.powercut.only must be whole numbers, got 'a'", assertThrows(
                IllegalArgumentException.class, () -> plan(Map.of(CutPlan.ONLY, "a"))).getMessage());
        assertEquals(new TreeSet<>(Set.of(1, 2)), plan(Map.of(CutPlan.ONLY, "2,1")).only());
        assertEquals("trialboot.powercut.workers must be 1..16, got 0", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.WORKERS, "0"))).getMessage());
        assertEquals("trialboot.powercut.workers must be 1..16, got 17", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.WORKERS, "17"))).getMessage());
        assertEquals("trialboot.powercut.workers must be whole numbers, got 'two'", assertThrows(
                IllegalArgumentException.class, () -> plan(Map.of(CutPlan.WORKERS, "two"))).getMessage());
    }

    @Test
    void workersShareThePlanOutInWholeRoundsOfSixPhases() {
        CutPlan p = plan(Map.of(CutPlan.SEED, "11", CutPlan.POINTS, "200", CutPlan.WORKERS, "2"));
        List<Point> first = p.run(0);
        List<Point> second = p.run(1);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 12, 13), first.stream().limit(8).map(Point::index).toList());
        assertEquals(List.of(6, 7, 8, 9, 10, 11, 18, 19), second.stream().limit(8).map(Point::index).toList());
        List<Point> both = new java.util.ArrayList<>(first);
        both.addAll(second);
        both.sort(java.util.Comparator.comparingInt(Point::index));
        assertEquals(p.run(), both, "together the workers run every point once, with the single VM's triggers");
        assertEquals(p.run(), plan(Map.of(CutPlan.SEED, "11", CutPlan.POINTS, "200")).run(),
                "the number of workers does not change the points, so a point replays on one VM");
        assertEquals(List.of(7), plan(Map.of(CutPlan.SEED, "11", CutPlan.ONLY, "7", CutPlan.WORKERS, "2")).run(1)
                .stream().map(Point::index).toList());
        assertThrows(IllegalArgumentException.class, () -> p.run(2));
    }

    @Test
    void onlyTakesRangesSoACampaignCanBeFinishedInAnotherSitting() {
        CutPlan whole = plan(Map.of(CutPlan.SEED, "11", CutPlan.POINTS, "200"));
        CutPlan first = plan(Map.of(CutPlan.SEED, "11", CutPlan.POINTS, "200", CutPlan.ONLY, "0-119"));
        CutPlan rest = plan(Map.of(CutPlan.SEED, "11", CutPlan.POINTS, "200", CutPlan.ONLY, "120-199"));
        List<Point> both = new java.util.ArrayList<>(first.run());
        both.addAll(rest.run());
        assertEquals(whole.run(), both);
        assertEquals(List.of(3, 7, 8, 9), plan(Map.of(CutPlan.ONLY, "7-9, 3")).run().stream().map(Point::index).toList());
        assertEquals("trialboot.powercut.only range 9-7 ends before it starts", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.ONLY, "9-7"))).getMessage());
        assertEquals("trialboot.powercut.only must be point numbers or ranges like 120-199, got '1-2-3'",
                assertThrows(IllegalArgumentException.class, () -> plan(Map.of(CutPlan.ONLY, "1-2-3"))).getMessage());
        assertEquals("trialboot.powercut.only must be whole numbers, got ''", assertThrows(IllegalArgumentException.class,
                () -> plan(Map.of(CutPlan.ONLY, "-4"))).getMessage());
        assertEquals("trialboot.powercut.only names point 2000000000; a campaign has at most 100000 points", assertThrows(
                IllegalArgumentException.class, () -> plan(Map.of(CutPlan.ONLY, "0-2000000000"))).getMessage());
    }
}
