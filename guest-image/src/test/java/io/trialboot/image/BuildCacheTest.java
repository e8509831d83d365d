package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCacheTest {
    @TempDir
    Path tmp;
    private final List<String> log = new ArrayList<>();

    @Test
    void storingBeyondTheLimitRemovesTheImagesUsedLongestAgo() throws IOException {
        BuildCache cache = new BuildCache(tmp, log::add);
        for (int i = 0; i < BuildCache.KEEP; i++) {
            store(cache, key(i), Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i));
        }

        store(cache, key(9), Instant.parse("2026-12-02T00:00:00Z"));

        assertTrue(cache.lookup(key(0)).isEmpty(), "the image used longest ago is gone");
        assertFalse(Files.exists(tmp.resolve("images").resolve(key(0))));
        for (int i : new int[] {1, 2, 9}) {
            assertTrue(cache.lookup(key(i)).isPresent(), "image " + i + " is kept");
        }
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("cache: removed image " + key(0).substring(0, 12)), log.get(0));
    }

    @Test
    void aLookupMarksTheImageAsUsedSoItOutlivesNewerOnes() throws IOException {
        BuildCache cache = new BuildCache(tmp, log::add);
        for (int i = 0; i < BuildCache.KEEP; i++) {
            store(cache, key(i), Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i));
        }
        assertTrue(cache.lookup(key(0)).isPresent());

        store(cache, key(9), Instant.now().plusSeconds(60));

        assertTrue(cache.lookup(key(0)).isPresent(), "the image just looked up is kept");
        assertTrue(cache.lookup(key(1)).isEmpty(), "the image used longest ago since is gone");
    }

    @Test
    void entriesWithoutTheirMarkerAreLeftAloneAndWhatWasLeftAsideGoes() throws IOException {
        BuildCache cache = new BuildCache(tmp, log::add);
        Path storing = Files.createDirectories(tmp.resolve("images").resolve(key(7)));
        Files.writeString(storing.resolve("disk.img"), "half stored");
        Path aside = Files.createDirectories(tmp.resolve("images/.removing-" + key(8)));
        Files.writeString(aside.resolve("disk.img"), "left by a stopped build");

        cache.evictBeyond(0);

        assertTrue(Files.exists(storing.resolve("disk.img")), "a build may be storing it now");
        assertFalse(Files.exists(aside));
    }

    private void store(BuildCache cache, String key, Instant used) throws IOException {
        Path built = Files.createDirectories(tmp.resolve("built-" + key));
        Files.writeString(built.resolve("disk.img"), key);
        Path dir = cache.store(key, built);
        Files.setLastModifiedTime(dir.resolve("complete"), FileTime.from(used));
    }

    private static String key(int i) {
        return String.format("%064x", i + 1);
    }
}
