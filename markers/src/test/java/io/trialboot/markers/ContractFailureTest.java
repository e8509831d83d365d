package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractFailureTest {
    private static ConsoleLine at(double seconds, int boot, String text) {
        return new ConsoleLine(Duration.ofMillis(Math.round(seconds * 1000)), boot, text);
    }

    @Test
    void reportNamesStepWaitOutstandingAndTail() {
        Contract c = Contract.parse("ota-mini", """
                boot 1
                expect 60s UPDATED_READY
                boot 2
                expect 30s UPDATED_READY
                expect 30s HEALTH_TRIAL_OK
                expect 30s INIT_HEALTH_OK b
                expect 30s SELFTEST_UPDATE_CONFIRM_OK
                """);
        ContractMatcher m = new ContractMatcher(c, 1.5);
        m.offer(at(3.0, 1, "updated: ready"));
        m.offer(at(20.0, 2, "OpenSBI v1.1"));
        m.offer(at(41.2, 2, "updated: ready"));
        m.offer(at(44.9, 2, "bundle hello: starting"));
        m.checkTime(Duration.ofMillis(86_240));
        assertEquals("""
                contract 'ota-mini' failed at step 3 of 5 (boot 2): marker 'health: trial ok -> confirm' not seen within 45 s (timeout 30 s x scale 1.5)
                still waiting for: [init: health ok (slot b), SELFTEST: update confirm ok]
                last console lines (boot 1-2):
                  +3.0s   updated: ready
                  --- boot 2 ---
                  +20.0s  OpenSBI v1.1
                  +41.2s  updated: ready
                  +44.9s  bundle hello: starting
                """, m.failure().orElseThrow().report());
    }

    @Test
    void reportWithCallerTailAndNoLaterSteps() {
        Contract c = Contract.parse("one", "boot 1\nexpect 5s UPDATED_READY\n");
        ContractMatcher m = new ContractMatcher(c, 1.0);
        m.endOfInput();
        ContractFailure f = m.failure().orElseThrow();
        assertEquals("""
                contract 'one' failed at step 1 of 1 (boot 1): marker 'updated: ready' not seen: the console ended (timeout 5 s x scale 1)
                still waiting for: [] (this was the last step)
                no console lines seen
                """, f.report());
        assertEquals("""
                contract 'one' failed at step 1 of 1 (boot 1): marker 'updated: ready' not seen: the console ended (timeout 5 s x scale 1)
                still waiting for: [] (this was the last step)
                last console lines (boot 3):
                  +?      raw line
                """, f.report(List.of(new ConsoleLine(null, 3, "raw line"))));
    }

    @Test
    void longOutstandingListIsShortened() {
        StringBuilder text = new StringBuilder("boot 1\n");
        for (int i = 0; i < 12; i++) {
            text.append("expect 5s \"step ").append(i).append("\"\n");
        }
        ContractMatcher m = new ContractMatcher(Contract.parse("long", text.toString()), 1.0);
        m.endOfInput();
        List<String> lines = m.failure().orElseThrow().report().lines().toList();
        assertEquals("still waiting for: [step 1, step 2, step 3, step 4, step 5, step 6, step 7, step 8, ... 3 more]",
                lines.get(1));
    }

    @Test
    void tailKeepsTheLastLinesOnly() {
        Contract c = Contract.parse("one", "boot 1\nexpect 5s UPDATED_READY\n");
        ContractMatcher m = new ContractMatcher(c, 1.0);
        List<ConsoleLine> fed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ConsoleLine l = at(i * 0.1, 1, "line " + i);
            fed.add(l);
            m.offer(l);
        }
        m.endOfInput();
        assertEquals(fed.subList(30 - ContractFailure.TAIL_LINES, 30), m.failure().orElseThrow().tail());
    }

    @Test
    void validatesKindAgainstLine() {
        Step s = Contract.parse("one", "boot 1\nexpect 5s UPDATED_READY\n").steps().get(0);
        assertThrows(IllegalArgumentException.class, () -> new ContractFailure(ContractFailure.Kind.FORBIDDEN, "one", s, 1,
                "updated: ready", null, Duration.ofSeconds(5), 1.0, null, null, List.of(), List.of()));
    }
}
