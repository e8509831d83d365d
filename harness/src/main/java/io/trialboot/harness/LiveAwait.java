package io.trialboot.harness;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractMatcher;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the contract matcher live over a growing console until the contract is met or failed. Ends
 * at once when the console ends (QEMU exited): the lines it printed last are offered first, then
 * the matcher is told no more will come. The matcher times a contract's first step from the start
 * of the run; here the first step's timeout counts from {@code start} instead, so lines are
 * offered with times relative to it (lines that arrived earlier count as arriving at {@code start}).
 */
final class LiveAwait {
    /** The console as the await sees it; the clock is injected so tests need no sleeps. */
    interface Console {
        /** The lines from index {@code from} on. */
        List<ConsoleLine> from(int from);

        /** Time since the run started. */
        Duration now();

        /** Whether the console has ended and every line it will ever have is recorded. */
        boolean ended() throws InterruptedException;

        /** Blocks until there are more than {@code seen} lines or a short poll interval passes. */
        void awaitMore(int seen) throws InterruptedException;
    }

    /**
     * @param matcher done: met or failed
     * @param next    index of the first line the await did not consume
     * @param real    each line offered to the matcher (by identity) mapped to the recorded line
     */
    record Outcome(ContractMatcher matcher, int next, Map<ConsoleLine, ConsoleLine> real) {}

    private LiveAwait() {}

    static Outcome run(Contract contract, double scale, int from, Console console) throws InterruptedException {
        ContractMatcher matcher = new ContractMatcher(contract, scale);
        Duration start = console.now();
        Map<ConsoleLine, ConsoleLine> real = new IdentityHashMap<>();
        int next = from;
        boolean ended = false;
        while (true) {
            for (ConsoleLine line : console.from(next)) {
                ConsoleLine offered = new ConsoleLine(since(line.at(), start), line.boot(), line.text());
                real.put(offered, line);
                matcher.offer(offered);
                next++;
                if (matcher.done()) return new Outcome(matcher, next, real);
            }
            matcher.checkTime(since(console.now(), start));
            if (matcher.done()) break;
            if (ended) {
                matcher.endOfInput();
                break;
            }
            if (console.ended()) {
                ended = true; // one more pass takes the last lines QEMU printed
                continue;
            }
            console.awaitMore(next);
        }
        return new Outcome(matcher, next, real);
    }

    private static Duration since(Duration at, Duration start) {
        Duration d = at.minus(start);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
