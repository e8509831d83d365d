package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The await loop over a scripted console and clock: no process, no sleeps. */
class LiveAwaitTest {
    /** Lines arrive at their times as the clock advances by 50 ms per wait. */
    private static final class ScriptedConsole implements LiveAwait.Console {
        final List<ConsoleLine> lines = new ArrayList<>();
        final TreeMap<Duration, ConsoleLine> arrivals = new TreeMap<>();
        Duration now;
        Duration endsAt;

        ScriptedConsole(Duration now) {
            this.now = now;
        }

        ScriptedConsole arrive(long ms, int boot, String text) {
            ConsoleLine l = new ConsoleLine(Duration.ofMillis(ms), boot, text);
            if (l.at().compareTo(now) <= 0) lines.add(l);
            else arrivals.put(l.at(), l);
            return this;
        }

        @Override
        public List<ConsoleLine> from(int from) {
            return from >= lines.size() ? List.of() : List.copyOf(lines.subList(from, lines.size()));
        }

        @Override
        public Duration now() {
            return now;
        }

        @Override
        public boolean ended() {
            return endsAt != null && now.compareTo(endsAt) >= 0 && arrivals.isEmpty();
        }

        @Override
        public void awaitMore(int seen) {
            now = now.plusMillis(50);
            while (!arrivals.isEmpty() && arrivals.firstKey().compareTo(now) <= 0) lines.add(arrivals.pollFirstEntry().getValue());
        }
    }

    private static Contract contract(String text) {
        return Contract.parse("t", text);
    }

    @Test
    void firstStepTimeoutCountsFromTheAwaitNotFromTheRunStart() throws InterruptedException {
        ScriptedConsole c = new ScriptedConsole(Duration.ofSeconds(100)).arrive(150_000, 1, "bootctld: ready");
        LiveAwait.Outcome o = LiveAwait.run(contract("boot 1\nexpect 60s BOOTCTLD_READY\n"), 1.0, 0, c);
        assertTrue(o.matcher().passed(), () -> o.matcher().failure().orElseThrow().report());
    }

    @Test
    void timesOutAtTheScaledDeadlineAndNotBefore() throws InterruptedException {
        ScriptedConsole c = new ScriptedConsole(Duration.ofSeconds(5)).arrive(1_000, 1, "OpenSBI v1.1");
        LiveAwait.Outcome o = LiveAwait.run(contract("boot 1\nexpect 10s UPDATED_READY\n"), 2.0, 0, c);
        ContractFailure f = o.matcher().failure().orElseThrow();
        assertEquals(ContractFailure.Kind.TIMEOUT, f.kind());
        Duration waited = c.now.minusSeconds(5);
        assertTrue(waited.compareTo(Duration.ofSeconds(20)) > 0 && waited.compareTo(Duration.ofMillis(20_100)) <= 0, waited.toString());
    }

    @Test
    void endedConsoleGivesItsLastLinesBeforeEnding() throws InterruptedException {
        ScriptedConsole c = new ScriptedConsole(Duration.ZERO).arrive(200, 1, "OpenSBI v1.1").arrive(400, 1, "updated: ready");
        c.endsAt = Duration.ofMillis(400);
        assertTrue(LiveAwait.run(contract("boot 1\nexpect 60s UPDATED_READY\n"), 1.0, 0, c).matcher().passed());

        ScriptedConsole dead = new ScriptedConsole(Duration.ZERO).arrive(200, 1, "OpenSBI v1.1");
        dead.endsAt = Duration.ofMillis(300);
        LiveAwait.Outcome o = LiveAwait.run(contract("boot 1\nexpect 60s UPDATED_READY\n"), 1.0, 0, dead);
        assertEquals(ContractFailure.Kind.INPUT_ENDED, o.matcher().failure().orElseThrow().kind());
        assertTrue(dead.now.compareTo(Duration.ofSeconds(1)) < 0, "waited after the console ended: " + dead.now);
    }

    @Test
    void consumesUpToTheMatchAndMapsOfferedLinesToRecordedOnes() throws InterruptedException {
        ScriptedConsole c = new ScriptedConsole(Duration.ofSeconds(10))
                .arrive(1_000, 1, "OpenSBI v1.1").arrive(2_000, 1, "bootctld: ready").arrive(3_000, 1, "bootctld: ready");
        LiveAwait.Outcome o = LiveAwait.run(contract("boot 1\nexpect 60s BOOTCTLD_READY\n"), 1.0, 0, c);
        assertEquals(2, o.next());
        ConsoleLine offered = o.matcher().results().get(0).line();
        assertEquals(Duration.ZERO, offered.at(), "a line from before the await counts as arriving at its start");
        assertSame(c.lines.get(1), o.real().get(offered));
        assertEquals(3, LiveAwait.run(contract("boot 1\nexpect 60s BOOTCTLD_READY\n"), 1.0, o.next(), c).next());
    }
}
