package io.trialboot.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoundTest {
    private static Round round(double floor, double javaVersion, double ready, double baselineReady) {
        return new Round(1, "0.1", floor, javaVersion, javaVersion / 2, new BootBenchmark.Boot(3, ready),
                Optional.of(new BootBenchmark.Boot(3, baselineReady)));
    }

    @Test
    void ratioIsReadyOverFloorPlusJavaVersion() {
        Round r = round(2, 2, 6, 8);
        assertEquals(1.5, r.ratio(), 1e-9);
        assertEquals(2.0, r.baselineRatio(), 1e-9);
        assertEquals(2.0, r.ratioBeside(), 1e-9);
    }

    @Test
    void medianOfAnOddCountIsTheMiddleOne() {
        List<Round> rounds = List.of(round(2, 2, 9, 0), round(2, 2, 5, 0), round(2, 2, 6, 0));
        assertEquals(6, Round.median(rounds, r -> r.boot().ready()), 1e-9);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        List<Round> rounds = List.of(round(1.8, 2, 7, 0), round(2.0, 2, 5, 0), round(2.2, 2, 6, 0), round(1.9, 2, 9, 0));
        assertEquals(6.5, Round.median(rounds, r -> r.boot().ready()), 1e-9);
        assertEquals(1.95, Round.median(rounds, Round::floor), 1e-9);
    }

    @Test
    void eachFiguresMedianIsTakenOnItsOwn() {
        // The median ratio is not the ratio of the median round: each figure is sorted separately.
        List<Round> rounds = List.of(round(1, 1, 3, 0), round(3, 1, 4, 0), round(2, 2, 10, 0));
        assertEquals(4, Round.median(rounds, r -> r.boot().ready()), 1e-9);
        assertEquals(1.5, Round.median(rounds, Round::ratio), 1e-9);
    }

    private static Round at(String load) {
        return new Round(1, load, 2, 2, 1, new BootBenchmark.Boot(3, 6), Optional.empty());
    }

    @Test
    void aRoundOnALoadedHostSaysItIsNoQuietMeasurementAndKeepsItsRatio() {
        assertEquals("(goal <= 1.5)", at("2.30 2.10 1.90 3/456 12345").goal(2));
        assertEquals("(goal <= 1.5 on a quiet host; load 4.26 on 2 cores: NOT a quiet measurement)", at("4.26 4.18 3.82 3/456 12345").goal(2));
        assertEquals(1.5, at("4.26 4.18 3.82 3/456 12345").ratio(), 1e-9);
        assertEquals("(goal <= 1.5; the host's load is unknown: '?')", at("?").goal(2));
        assertEquals("(goal <= 1.5 on a quiet host; 1 of 2 rounds on a loaded host or one of unknown load: NOT a quiet measurement)",
                Round.mediansGoal(List.of(at("1.0"), at("9.5")), 2));
        assertEquals("(goal <= 1.5)", Round.mediansGoal(List.of(at("1.0"), at("2.9")), 2));
    }
}
