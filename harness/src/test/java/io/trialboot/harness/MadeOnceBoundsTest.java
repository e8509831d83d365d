package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges of making a state once ({@link MadeOnce}): a bounded wait, a damaged entry, snapshots off,
 * an interrupted waiter, and the lock file, which goes once its state is stored. The threads that
 * share a state: {@link MadeOnceTest}.
 */
class MadeOnceBoundsTest {
    @TempDir
    Path dir;

    private final MadeOnceFixture fx = new MadeOnceFixture();

    @Test
    void aWaitIsBoundedAfterWhichTheWaiterMakesTheStateToo() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        fx.whileSlowMakerMakes(cache, "s", () -> fx.reach(fx.maker(cache, "impatient", Duration.ofMillis(300)), cache, "s", 0, () -> { }));
        assertEquals(2, fx.count(fx.made, "s"), "the second store is dropped, the first kept: " + fx.said);
        assertTrue(fx.said.stream().anyMatch(l -> l.matches("impatient: snapshot s: cold path, no snapshot yet in " + dir
                + "; thread slow-maker of this JVM \\(pid \\d+ \\(slow\\)\\) was still making it after 0\\.3 s: made here too,"
                + " the first store kept")), fx.said.toString());
    }

    @Test
    void aDamagedEntryIsMadeAgainUnderTheLockWithTheReasonSaid() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry e = MadeOnceFixture.store(cache, "ready", "an earlier run");
        Files.writeString(e.disk(), "QFI changed on disk");
        fx.reach(fx.maker(cache, "fork-1", Duration.ofSeconds(60)), cache, "ready", 0, () -> { });
        assertEquals(1, fx.count(fx.made, "ready"));
        assertTrue(fx.said.get(0).startsWith("fork-1: snapshot ready: cold path, damaged: " + e.disk() + " has SHA-256 "), fx.said.toString());
        assertEquals(1, fx.said.size(), fx.said.toString());
    }

    @Test
    void withSnapshotsOffNothingIsLockedOrSavedAndTheReasonIsSaid() {
        System.setProperty(SnapshotCache.PROPERTY, "off");
        SnapshotCache off = SnapshotCache.fromEnvironment();
        System.clearProperty(SnapshotCache.PROPERTY);
        AtomicInteger makes = new AtomicInteger();
        new MadeOnce(off, Duration.ofSeconds(1), "fork-1", fx.said::add).reach("ready", MadeOnceFixture.key("ready"), 0, e -> false, makes::incrementAndGet);
        assertEquals(1, makes.get());
        assertEquals(List.of("snapshot ready: cold path, snapshots are off (-D" + SnapshotCache.PROPERTY + "=off)"), fx.said);
        assertTrue(Files.notExists(off.lockFile("ready", MadeOnceFixture.key("ready"))), "no lock file");
    }

    @Test
    void aThreadInterruptedWhileWaitingStopsWithTheInterruptKept() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir);
        fx.whileSlowMakerMakes(cache, "s", () -> {
            Thread.currentThread().interrupt();
            var e = assertThrows(HarnessException.class,
                    () -> fx.reach(fx.maker(cache, "waiter", Duration.ofSeconds(60)), cache, "s", 0, () -> { }));
            assertTrue(Thread.interrupted(), "the interrupt is kept");
            assertTrue(e.getMessage().contains("interrupted while waiting for the lock of s"), e.getMessage());
        });
    }

    @Test
    void theLockFileGoesOnceItsStateIsStoredAndStaysAfterAFailedMake() {
        SnapshotCache cache = SnapshotCache.at(dir);
        Path lock = cache.lockFile("s", MadeOnceFixture.key("s"));
        assertThrows(IllegalStateException.class, () -> fx.reach(fx.maker(cache, "fails", Duration.ofSeconds(60)), cache, "s", 0, () -> {
            assertTrue(Files.exists(lock), "held while making");
            throw new IllegalStateException("the steps failed");
        }));
        assertTrue(Files.exists(lock), "a make that stored nothing keeps its lock file for the next maker");
        fx.reach(fx.maker(cache, "works", Duration.ofSeconds(60)), cache, "s", 0, () -> assertTrue(Files.exists(lock)));
        assertEquals(1, fx.count(fx.made, "s"));
        assertFalse(Files.exists(lock), "stored: a later reach restores the entry and takes no lock");
        fx.reach(fx.maker(cache, "later", Duration.ofSeconds(60)), cache, "s", 0, () -> { });
        assertEquals(1, fx.count(fx.restored, "s"));
        assertFalse(Files.exists(lock));
    }
}
