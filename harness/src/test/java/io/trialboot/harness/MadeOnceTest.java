package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved state is made once per cache whatever the threads that need it: the first to miss makes
 * it under the state's lock, the others wait and restore it; a maker that fails lets the lock go and
 * a waiter makes it; chains of states and crossed steps do not deadlock. Across JVMs:
 * {@link MadeOnceProcessTest}.
 */
class MadeOnceTest {
    @TempDir
    Path dir;

    private final MadeOnceFixture fx = new MadeOnceFixture();

    @Test
    void twoThreadsThatMissOneStateMakeItOnceAndTheOtherRestoresIt() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        assertEquals(List.of(), twoForksReach(cache, "factory-at-console", () -> { }));
        assertEquals(1, fx.count(fx.made, "factory-at-console"), fx.said.toString());
        assertEquals(1, fx.count(fx.restored, "factory-at-console"), fx.said.toString());
        assertTrue(fx.said.stream().anyMatch(l -> l.matches("fork-\\d: snapshot factory-at-console: made by thread .* of this JVM "
                + "\\(pid \\d+ \\(fork-\\d\\)\\) while this one waited \\d+\\.\\d s")), fx.said.toString());
        assertEquals(1, fx.said.stream().filter(l -> l.contains(": cold path, no snapshot yet in " + dir)).count(), fx.said.toString());
    }

    @Test
    void aMakerThatFailsLetsTheLockGoAndTheWaiterMakesTheState() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        AtomicInteger attempts = new AtomicInteger();
        List<Throwable> failed = twoForksReach(cache, "ready", () -> {
            if (attempts.incrementAndGet() == 1) throw new IllegalStateException("the steps failed");
        });
        assertEquals(List.of("the steps failed"), failed.stream().map(Throwable::getMessage).toList());
        assertEquals(2, attempts.get());
        assertEquals(1, fx.count(fx.made, "ready"));
        assertTrue(cache.find("ready", MadeOnceFixture.key("ready")).entry().isPresent());
        assertTrue(fx.said.stream().anyMatch(l -> l.matches("fork-\\d: snapshot ready: cold path, no snapshot yet in " + dir
                + "; thread .* of this JVM \\(pid \\d+ \\(fork-\\d\\)\\) \\(its process still runs\\) let its lock go after"
                + " \\d+\\.\\d s without saving it: made here")), fx.said.toString());
    }

    /**
     * Threads fork-1 and fork-2 reach {@code state} at once; a make runs {@code steps} once the other
     * thread waits for it (so the wait is always taken). Returns what the reaches threw.
     */
    private List<Throwable> twoForksReach(SnapshotCache cache, String state, Runnable steps) throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String who : List.of("fork-1", "fork-2")) {
                MadeOnce m = new MadeOnce(cache, Duration.ofSeconds(60), who, line -> {
                    fx.said.add(who + ": " + line);
                    if (line.contains("is making it; waiting up to 60.0 s")) waiting.countDown();
                });
                runs.add(pool.submit(() -> fx.reach(m, cache, state, 0, () -> {
                    fx.await(waiting);
                    steps.run();
                })));
            }
            List<Throwable> failed = new ArrayList<>();
            for (Future<?> f : runs) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failed.add(e.getCause());
                }
            }
            return failed;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Three states in a chain (c made from b from a), reached from their ends by six threads at once,
     * each make reaching its parent first as {@link Snapshots#reach} does: every state is made once, and
     * nothing deadlocks. Ten rounds, each on an empty cache.
     */
    @Test
    void aChainOfStatesReachedFromAllItsEndsAtOnceIsMadeOnceWithoutDeadlock() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int round = 0; round < 10; round++) {
                fx.made.clear();
                fx.restored.clear();
                SnapshotCache cache = SnapshotCache.at(dir.resolve("round-" + round));
                List<String> chain = List.of("a", "b", "c");
                CyclicBarrier start = new CyclicBarrier(6);
                ExecutorService pool = Executors.newFixedThreadPool(6);
                try {
                    List<Future<?>> runs = new ArrayList<>();
                    for (int t = 0; t < 6; t++) {
                        int depth = 2 - t % 3;
                        MadeOnce m = fx.maker(cache, "t" + t, Duration.ofSeconds(60));
                        runs.add(pool.submit(() -> {
                            start.await();
                            reachChain(m, cache, chain, depth);
                            return null;
                        }));
                    }
                    for (Future<?> f : runs) f.get();
                } finally {
                    pool.shutdownNow();
                }
                for (String s : chain) assertEquals(1, fx.count(fx.made, s), "round " + round + ", " + s + ": " + fx.said);
            }
        });
    }

    private void reachChain(MadeOnce m, SnapshotCache cache, List<String> chain, int depth) {
        fx.reach(m, cache, chain.get(depth), depth, () -> {
            if (depth > 0) reachChain(m, cache, chain, depth - 1);
            fx.sleepMillis(5);
        });
    }

    /**
     * Two threads, each making a state whose steps reach the other's (no recipe does this; the order
     * rule is what keeps it from a deadlock): neither waits for a lock no shallower than one it holds,
     * so both finish at once, well within the wait bound, and say why they made the other's state too.
     */
    @Test
    void stepsThatReachAStateNoCloserToTheColdBootDoNotWaitForIt() {
        SnapshotCache cache = SnapshotCache.at(dir);
        CyclicBarrier bothHold = new CyclicBarrier(2);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (String[] pair : List.of(new String[] {"x", "y"}, new String[] {"y", "x"})) {
                    MadeOnce m = fx.maker(cache, "makes-" + pair[0], Duration.ofSeconds(120));
                    runs.add(pool.submit(() -> fx.reach(m, cache, pair[0], 1, () -> {
                        try {
                            bothHold.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        fx.reach(m, cache, pair[1], 1, () -> { });
                    })));
                }
                for (Future<?> f : runs) f.get();
            } finally {
                pool.shutdownNow();
            }
        });
        // at least the one whose inner reach comes second finds the other state's lock held and its entry not yet stored
        assertTrue(fx.said.stream().anyMatch(l -> l.matches("makes-(x: snapshot y|y: snapshot x): cold path, no snapshot yet in "
                + java.util.regex.Pattern.quote(dir.toString()) + "; thread .* of this JVM \\(pid \\d+ \\(makes-[xy]\\)\\) is making it,"
                + " and this thread holds the lock of [xy] \\(depth 1\\), no deeper than it: it does not wait \\(so no two makers"
                + " wait for each other\\) and makes it too, the first store kept")), fx.said.toString());
        assertTrue(cache.find("x", MadeOnceFixture.key("x")).entry().isPresent() && cache.find("y", MadeOnceFixture.key("y")).entry().isPresent());
    }

}
