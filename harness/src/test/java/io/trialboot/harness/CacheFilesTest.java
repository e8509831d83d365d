package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot's files are hashed as they are written, to the same digest a read afterwards gives. */
class CacheFilesTest {
    @TempDir
    Path dir;

    /** Runs {@code command} with {@code sh -c}, as QEMU runs an {@code exec:} migration, feeding it {@code input}. */
    private static void feed(String command, byte[] input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input);
        }
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), command);
    }

    @Test
    void theStreamWrittenByTheShellCommandIsHashedOnTheWay() throws Exception {
        byte[] stream = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(stream);
        Path state = dir.resolve("it's a state"); // a quote in the path, as a run directory may have
        assertFalse(CacheFiles.hashed(state), "nothing written yet");
        feed(CacheFiles.writeHashing(state), stream);
        assertTrue(CacheFiles.hashed(state));
        String hex = CacheFiles.rememberHashed(state);
        assertEquals(CacheFiles.sha256Now(state), hex);
        assertEquals(hex, CacheFiles.sha256(state), "remembered: the cache's lookup need not read it again");
        assertEquals(List.of("it's a state"), Files.list(dir).map(p -> p.getFileName().toString()).toList(),
                "no digest file left beside it");
    }

    @Test
    void aFileTeeCouldNotWriteIsNoSnapshot() throws Exception {
        Path state = dir.resolve("no-such-dir").resolve("state");
        Files.createDirectories(dir.resolve("no-such-dir"));
        Files.createDirectory(state); // tee cannot open a directory for writing
        feed(CacheFiles.writeHashing(state), new byte[] {1, 2, 3});
        assertTrue(CacheFiles.hashed(state), "sha256sum still hashed what it read");
        IOException e = assertThrows(IOException.class, () -> CacheFiles.rememberHashed(state));
        assertEquals("tee could not write " + state, e.getMessage());
    }

    @Test
    void aCopyIsHashedAsItIsMade() throws IOException {
        Path overlay = Files.write(dir.resolve("overlay.qcow2"), "QFI an overlay".getBytes());
        Path copy = dir.resolve("disk.qcow2");
        assertEquals(CacheFiles.sha256Now(overlay), CacheFiles.copyHashing(overlay, copy));
        assertEquals(Files.readString(overlay), Files.readString(copy));
    }
}
