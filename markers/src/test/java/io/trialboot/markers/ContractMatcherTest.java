package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContractMatcherTest {
    private static final Contract TWO_BOOTS = Contract.parse("two-boots", """
            forbid contains "Kernel panic"
            forbid SELFTEST_FAIL
            boot 1
            expect 10s STAGE0_BOOT a normal * :n
            expect 5s UPDATED_READY
            boot 2
            expect 10s STAGE0_BOOT a normal * =n+1
            expect 5s UPDATED_READY
            """);

    private static ConsoleLine at(double seconds, int boot, String text) {
        return new ConsoleLine(Duration.ofMillis(Math.round(seconds * 1000)), boot, text);
    }

    private static ContractMatcher feed(Contract c, double scale, ConsoleLine... lines) {
        ContractMatcher m = new ContractMatcher(c, scale);
        for (ConsoleLine l : lines) {
            m.offer(l);
        }
        return m;
    }

    @Test
    void passesWhenEveryStepIsMetInItsBoot() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0,
                at(0.1, 1, "OpenSBI v1.1"),
                at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=3"),
                at(4.5, 1, "updated: ready"),
                at(6.0, 2, "OpenSBI v1.1"),
                at(9.0, 2, "stage0: boot slot=a mode=normal tries_left=0 boot=4"),
                at(10.0, 2, "updated: ready"));
        assertTrue(m.done());
        assertTrue(m.passed());
        assertEquals(Optional.empty(), m.failure());
        assertEquals(Map.of("n", "3"), m.captures());
        List<StepResult> r = m.results();
        assertEquals(4, r.size());
        assertEquals(Duration.ofMillis(2_500), r.get(1).waited());
        assertEquals(Optional.of(Duration.ofMillis(2_500)), r.get(1).margin());
        assertEquals(Duration.ofMillis(4_500), r.get(2).waited());
        assertEquals(Optional.of(Duration.ofMillis(9_000)), r.get(2).at());
    }

    @Test
    void aLineFromBeforeARestoreNeverSatisfiesAStepAfterIt() {
        String restore = BootBoundary.restoreLine("factory-at-console", "0a".repeat(32));
        Contract afterRestore = Contract.parse("after-restore", "boot 2\nexpect 5s UPDATED_READY\nexpect 5s \"slot=a\"\n");
        ContractMatcher m = feed(afterRestore, 1.0,
                at(1.0, 1, "updated: ready"),
                at(1.5, 1, "slot=a"),
                at(2.0, 2, restore),
                at(3.0, 2, "slot=a"));
        assertFalse(m.done(), "the lines before the restore met nothing: " + m.results());
        m.offer(at(4.0, 2, "updated: ready"));
        m.offer(at(4.5, 2, "slot=a"));
        assertTrue(m.passed());
        assertEquals(Duration.ofSeconds(4), m.results().get(0).line().at());
    }

    @Test
    void lineOfAnEarlierBootNeverSatisfiesALaterStep() {
        // Boot 1 prints the boot-2 line text (boot=4) too early: it must not count for step 3.
        ContractMatcher m = feed(TWO_BOOTS, 1.0,
                at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=3"),
                at(3.0, 1, "updated: ready"),
                at(3.5, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=4"),
                at(3.6, 1, "updated: ready"));
        assertFalse(m.done());
        assertEquals(3, m.currentStep().orElseThrow().number());
        m.offer(at(5.0, 2, "stage0: boot slot=a mode=normal tries_left=0 boot=4"));
        assertEquals(4, m.currentStep().orElseThrow().number());
    }

    @Test
    void stepFailsAtOnceWhenTheLogIsPastItsBoot() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0,
                at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=3"),
                at(3.0, 2, "OpenSBI v1.1"),
                at(3.1, 2, "updated: ready"));
        assertTrue(m.done());
        assertFalse(m.passed());
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(ContractFailure.Kind.BOOT_PASSED, f.kind());
        assertEquals(2, f.step().number());
        assertEquals("OpenSBI v1.1", f.line().text());
        assertEquals("contract 'two-boots' failed at step 2 of 4 (boot 1): marker 'updated: ready' not seen in boot 1: "
                + "boot 2 started at +3.0s after 1 s (timeout 5 s x scale 1)", f.summary());
    }

    @Test
    void eachLineMeetsAtMostOneStep() {
        Contract c = Contract.parse("twice", "boot 1\nexpect 5s UPDATED_READY\nexpect 5s UPDATED_READY\n");
        ContractMatcher m = feed(c, 1.0, at(1, 1, "updated: ready"));
        assertFalse(m.done());
        m.offer(at(2, 1, "updated: ready"));
        assertTrue(m.passed());
    }

    @Test
    void referenceMustEqualCaptureplusOne() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0,
                at(1, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=3"),
                at(2, 1, "updated: ready"),
                at(3, 2, "stage0: boot slot=a mode=normal tries_left=0 boot=3"),
                at(4, 2, "stage0: boot slot=a mode=normal tries_left=0 boot=5"));
        assertEquals(3, m.currentStep().orElseThrow().number(), "boot=3 and boot=5 are not n+1");
        m.endOfInput();
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(ContractFailure.Kind.INPUT_ENDED, f.kind());
        assertEquals("stage0: boot slot=a mode=normal tries_left=<int> boot=4", f.expected());
    }

    @Test
    void timeoutIsMeasuredFromThePreviousMatchAndScaled() {
        ContractMatcher m = feed(TWO_BOOTS, 1.5, at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"));
        assertEquals(Optional.of(Duration.ofMillis(9_500)), m.deadline(), "2 s + 5 s x 1.5");
        m.checkTime(Duration.ofMillis(9_500));
        assertFalse(m.done(), "the deadline itself is still in time");
        m.checkTime(Duration.ofMillis(9_501));
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(ContractFailure.Kind.TIMEOUT, f.kind());
        assertEquals(Duration.ofMillis(7_501), f.waited());
        assertEquals("contract 'two-boots' failed at step 2 of 4 (boot 1): marker 'updated: ready' not seen within 7.5 s "
                + "(timeout 5 s x scale 1.5)", f.summary());
    }

    @Test
    void firstStepTimeoutCountsFromTheRunStart() {
        ContractMatcher m = new ContractMatcher(TWO_BOOTS, 1.0);
        m.checkTime(Duration.ofSeconds(10));
        assertFalse(m.done());
        m.checkTime(Duration.ofMillis(10_001));
        assertEquals(1, m.failure().orElseThrow().step().number());
    }

    /** Step 2 ({@code updated: ready}, 5 s) met 5.2 s after step 1: late at scale 1, in time at scale 2. */
    private static final ConsoleLine[] STEP_2_AFTER_5_2_S = {
            at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"), at(7.2, 1, "updated: ready")};

    @Test
    void lateLineFailsOfflineEvenWhenItMatches() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0, STEP_2_AFTER_5_2_S);
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(ContractFailure.Kind.TIMEOUT, f.kind());
        assertEquals(Duration.ofMillis(5_200), f.waited());
        assertEquals(1, m.results().size());
    }

    @Test
    void largerScaleLetsTheSameLogPass() {
        ContractMatcher m = feed(TWO_BOOTS, 2.0, STEP_2_AFTER_5_2_S);
        assertEquals(2, m.results().size());
        assertEquals(Optional.of(Duration.ofMillis(4_800)), m.results().get(1).margin());
    }

    @Test
    void forbiddenLineFailsAtOnceNamingTheLine() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0, at(2.0, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"),
                at(3.25, 1, "[    3.2] Kernel panic - not syncing: Attempted to kill init!"));
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(ContractFailure.Kind.FORBIDDEN, f.kind());
        assertEquals("contract 'two-boots' failed at step 2 of 4 (boot 1): forbidden line at +3.2s (boot 1): "
                + "'[    3.2] Kernel panic - not syncing: Attempted to kill init!' (forbid contains \"Kernel panic\") "
                + "while waiting for 'updated: ready'", f.summary());
    }

    @Test
    void forbiddenLineCountsInAnyBootEvenBeforeTheStepBoot() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0, at(0.5, 0, "SELFTEST: ota stage FAIL"));
        assertEquals(ContractFailure.Kind.FORBIDDEN, m.failure().orElseThrow().kind());
        assertEquals("SELFTEST_FAIL", m.failure().orElseThrow().forbidden().describe());
    }

    @Test
    void linesAfterTheContractIsMetAreIgnored() {
        Contract c = Contract.parse("one", "forbid contains \"Kernel panic\"\nboot 1\nexpect 5s UPDATED_READY\n");
        ContractMatcher m = feed(c, 1.0, at(1, 1, "updated: ready"), at(2, 1, "Kernel panic"));
        assertTrue(m.passed());
    }

    @Test
    void untimedLinesSkipTimeChecks() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0,
                new ConsoleLine(null, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"));
        m.checkTime(Duration.ofHours(1));
        assertFalse(m.done());
        assertEquals(Optional.empty(), m.deadline());
        m.offer(new ConsoleLine(null, 1, "updated: ready"));
        assertEquals(Optional.empty(), m.results().get(1).margin());
    }

    @Test
    void rejectsLinesOutOfOrderAndBadScale() {
        ContractMatcher m = feed(TWO_BOOTS, 1.0, at(5, 2, "x"));
        assertThrows(IllegalArgumentException.class, () -> m.offer(at(6, 1, "y")));
        assertThrows(IllegalArgumentException.class, () -> m.offer(at(4, 2, "y")));
        assertThrows(IllegalArgumentException.class, () -> new ContractMatcher(TWO_BOOTS, 0));
        assertThrows(IllegalArgumentException.class, () -> new ContractMatcher(TWO_BOOTS, Double.NaN));
    }

    /** A console the reboot-cycle contract awaits, two boots; boot 2's stage 0 line counts {@code secondBoot}. */
    private static ConsoleLine[] rebootCycleLog(int secondBoot) {
        return new ConsoleLine[] {
                at(0.0, 1, "OpenSBI v1.1"),
                at(1.2, 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"),
                at(5.0, 1, "bootctld: ready"),
                at(6.0, 1, "bundlemgrd: slot a active"),
                at(7.0, 1, "updated: ready"),
                at(7.5, 1, "nx: console ready"),
                at(9.0, 2, "OpenSBI v1.1"),
                at(10.2, 2, "stage0: boot slot=a mode=normal tries_left=0 boot=" + secondBoot),
                at(14.0, 2, "bootctld: ready"),
                at(15.0, 2, "bundlemgrd: slot a active"),
                at(16.0, 2, "updated: ready")};
    }

    @Test
    void rebootCycleContractHoldsForAGoodLog() {
        ContractMatcher m = feed(Contract.builtIn("reboot-cycle"), 1.0, rebootCycleLog(2));
        assertTrue(m.passed(), () -> m.failure().map(ContractFailure::report).orElse(""));
    }

    @Test
    void rebootCycleContractFailsWhenTheBootCountDidNotAdvance() {
        ContractMatcher m = feed(Contract.builtIn("reboot-cycle"), 1.0, rebootCycleLog(1));
        m.endOfInput();
        ContractFailure f = m.failure().orElseThrow();
        assertEquals(6, f.step().number());
        assertEquals("stage0: boot slot=a mode=normal tries_left=<int> boot=2", f.expected());
    }
}
