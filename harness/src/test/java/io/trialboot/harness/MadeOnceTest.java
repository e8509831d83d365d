package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Every line said, from any thread. */
    private final List<String> said = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> restored = new ConcurrentHashMap<>();

    static SnapshotKey key(String name) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("qemu", "QEMU emulator version 7.2.22");
        in.put("steps", "cold boot of the factory image\n" + name);
        return new SnapshotKey(in);
    }

    /** Saves a state of {@code name} as a make would (files whose content says who made them). */
    static SnapshotCache.Entry store(SnapshotCache cache, String name, String by) {
        try {
            Path work = cache.workDir(name);
            Files.writeString(work.resolve("state"), "QEVM " + name + " made by " + by);
            Files.writeString(work.resolve("disk.qcow2"), "QFI " + name);
            return cache.store(name, key(name), work, Optional.empty(), List.of(), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MadeOnce maker(SnapshotCache cache, String who, Duration bound) {
        return new MadeOnce(cache, bound, who, line -> said.add(who + ": " + line));
    }

    /** Reaches {@code name} at {@code depth}: {@code make} before the state is stored; a restore always works. */
    private void reach(MadeOnce m, SnapshotCache cache, String name, int depth, Runnable make) {
        m.reach(name, key(name), depth, e -> {
            restored.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            return true;
        }, () -> {
            make.run();
            made.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            store(cache, name, Thread.currentThread().getName());
        });
    }

    private int count(Map<String, AtomicInteger> m, String name) {
        return m.getOrDefault(name, new AtomicInteger()).get();
    }

    /** Waits for {@code latch}, failing after 30 s. */
    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new AssertionError("not counted down within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void twoThreadsThatMissOneStateMakeItOnceAndTheOtherRestoresIt() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        assertEquals(List.of(), twoForksReach(cache, "factory-at-console", () -> { }));
        assertEquals(1, count(made, "factory-at-console"), said.toString());
        assertEquals(1, count(restored, "factory-at-console"), said.toString());
        assertTrue(said.stream().anyMatch(l -> l.matches("fork-\\d: snapshot factory-at-console: made by thread .* of this JVM "
                + "\\(pid \\d+ \\(fork-\\d\\)\\) while this one waited \\d+\\.\\d s")), said.toString());
        assertEquals(1, said.stream().filter(l -> l.contains(": cold path, no snapshot yet in " + dir)).count(), said.toString());
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
        assertEquals(1, count(made, "ready"));
        assertTrue(cache.find("ready", key("ready")).entry().isPresent());
        assertTrue(said.stream().anyMatch(l -> l.matches("fork-\\d: snapshot ready: cold path, no snapshot yet in " + dir
                + "; thread .* of this JVM \\(pid \\d+ \\(fork-\\d\\)\\) \\(its process still runs\\) let its lock go after"
                + " \\d+\\.\\d s without saving it: made here")), said.toString());
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
                    said.add(who + ": " + line);
                    if (line.contains("is making it; waiting up to 60.0 s")) waiting.countDown();
                });
                runs.add(pool.submit(() -> reach(m, cache, state, 0, () -> {
                    await(waiting);
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
                made.clear();
                restored.clear();
                SnapshotCache cache = SnapshotCache.at(dir.resolve("round-" + round));
                List<String> chain = List.of("a", "b", "c");
                CyclicBarrier start = new CyclicBarrier(6);
                ExecutorService pool = Executors.newFixedThreadPool(6);
                try {
                    List<Future<?>> runs = new ArrayList<>();
                    for (int t = 0; t < 6; t++) {
                        int depth = 2 - t % 3;
                        MadeOnce m = maker(cache, "t" + t, Duration.ofSeconds(60));
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
                for (String s : chain) assertEquals(1, count(made, s), "round " + round + ", " + s + ": " + said);
            }
        });
    }

    private void reachChain(MadeOnce m, SnapshotCache cache, List<String> chain, int depth) {
        reach(m, cache, chain.get(depth), depth, () -> {
            if (depth > 0) reachChain(m, cache, chain, depth - 1);
            sleepMillis(5);
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
                    MadeOnce m = maker(cache, "makes-" + pair[0], Duration.ofSeconds(120));
                    runs.add(pool.submit(() -> reach(m, cache, pair[0], 1, () -> {
                        try {
                            bothHold.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        reach(m, cache, pair[1], 1, () -> { });
                    })));
                }
                for (Future<?> f : runs) f.get();
            } finally {
                pool.shutdownNow();
            }
        });
        // at least the one whose inner reach comes second finds the other state's lock held and its entry not yet stored
        assertTrue(said.stream().anyMatch(l -> l.matches("makes-(x: snapshot y|y: snapshot x): cold path, no snapshot yet in "
                + java.util.regex.Pattern.quote(dir.toString()) + "; thread .* of this JVM \\(pid \\d+ \\(makes-[xy]\\)\\) is making it,"
                + " and this thread holds the lock of [xy] \\(depth 1\\), no deeper than it: it does not wait \\(so no two makers"
                + " wait for each other\\) and makes it too, the first store kept")), said.toString());
        assertTrue(cache.find("x", key("x")).entry().isPresent() && cache.find("y", key("y")).entry().isPresent());
    }

    @Test
    void aWaitIsBoundedAfterWhichTheWaiterMakesTheStateToo() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        whileSlowMakerMakes(cache, "s", () -> reach(maker(cache, "impatient", Duration.ofMillis(300)), cache, "s", 0, () -> { }));
        assertEquals(2, count(made, "s"), "the second store is dropped, the first kept: " + said);
        assertTrue(said.stream().anyMatch(l -> l.matches("impatient: snapshot s: cold path, no snapshot yet in " + dir
                + "; thread slow-maker of this JVM \\(pid \\d+ \\(slow\\)\\) was still making it after 0\\.3 s: made here too,"
                + " the first store kept")), said.toString());
    }

    @Test
    void aDamagedEntryIsMadeAgainUnderTheLockWithTheReasonSaid() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry e = store(cache, "ready", "an earlier run");
        Files.writeString(e.disk(), "QFI changed on disk");
        reach(maker(cache, "fork-1", Duration.ofSeconds(60)), cache, "ready", 0, () -> { });
        assertEquals(1, count(made, "ready"));
        assertTrue(said.get(0).startsWith("fork-1: snapshot ready: cold path, damaged: " + e.disk() + " has SHA-256 "), said.toString());
        assertEquals(1, said.size(), said.toString());
    }

    @Test
    void withSnapshotsOffNothingIsLockedOrSavedAndTheReasonIsSaid() {
        System.setProperty(SnapshotCache.PROPERTY, "off");
        SnapshotCache off = SnapshotCache.fromEnvironment();
        System.clearProperty(SnapshotCache.PROPERTY);
        AtomicInteger makes = new AtomicInteger();
        new MadeOnce(off, Duration.ofSeconds(1), "fork-1", said::add).reach("ready", key("ready"), 0, e -> false, makes::incrementAndGet);
        assertEquals(1, makes.get());
        assertEquals(List.of("snapshot ready: cold path, snapshots are off (-D" + SnapshotCache.PROPERTY + "=off)"), said);
        assertTrue(Files.notExists(off.lockFile("ready", key("ready"))), "no lock file");
    }

    @Test
    void aThreadInterruptedWhileWaitingStopsWithTheInterruptKept() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        whileSlowMakerMakes(cache, "s", () -> {
            Thread.currentThread().interrupt();
            var e = assertThrows(HarnessException.class,
                    () -> reach(maker(cache, "waiter", Duration.ofSeconds(60)), cache, "s", 0, () -> { }));
            assertTrue(Thread.interrupted(), "the interrupt is kept");
            assertTrue(e.getMessage().contains("interrupted while waiting for the lock of s"), e.getMessage());
        });
    }

    /** Runs {@code meanwhile} while a thread named slow-maker ("slow") holds the lock of {@code state}, making it. */
    private void whileSlowMakerMakes(SnapshotCache cache, String state, Runnable meanwhile) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> reach(maker(cache, "slow", Duration.ofSeconds(60)), cache, state, 0, () -> {
            holding.countDown();
            await(release);
        }), "slow-maker");
        holder.start();
        try {
            await(holding);
            meanwhile.run();
        } finally {
            release.countDown();
            holder.join(30_000);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
