package io.trialboot.harness;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@link MadeOnceTest} and {@link MadeOnceBoundsTest} share: makers whose lines are kept, states
 * stored as a make would store them, and counts of makes and restores by state.
 */
class MadeOnceFixture {
    /** Every line said, from any thread. */
    final List<String> said = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> restored = new ConcurrentHashMap<>();

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

    MadeOnce maker(SnapshotCache cache, String who, Duration bound) {
        return new MadeOnce(cache, bound, who, line -> said.add(who + ": " + line));
    }

    /** Reaches {@code name} at {@code depth}: {@code make} before the state is stored; a restore always works. */
    void reach(MadeOnce m, SnapshotCache cache, String name, int depth, Runnable make) {
        m.reach(name, key(name), depth, e -> {
            restored.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            return true;
        }, () -> {
            make.run();
            made.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            store(cache, name, Thread.currentThread().getName());
        });
    }

    int count(Map<String, AtomicInteger> m, String name) {
        return m.getOrDefault(name, new AtomicInteger()).get();
    }

    /** Waits for {@code latch}, failing after 30 s. */
    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new AssertionError("not counted down within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs {@code meanwhile} while a thread named slow-maker ("slow") holds the lock of {@code state}, making it. */
    void whileSlowMakerMakes(SnapshotCache cache, String state, Runnable meanwhile) throws InterruptedException {
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

    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
