package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/vm keeps the newest sessions' devices; a session whose VM never started is none of them. */
class SessionsTest {
    private static final LocalDateTime AT = LocalDateTime.of(2026, 12, 7, 12, 0);

    @TempDir
    Path root;

    private Path session(int minute, boolean device) throws Exception {
        Path d = Files.createDirectories(new Sessions(root).next(AT.plusMinutes(minute), ""));
        if (device) Files.writeString(d.resolve(Sessions.OVERLAY), "device " + minute);
        return d;
    }

    @Test
    void aNewSessionsDirectoryIsNamedButNotCreated() throws Exception {
        Path first = new Sessions(root).next(AT, "rollback");
        assertEquals(root.resolve("20261207-120000-rollback"), first);
        assertFalse(Files.exists(first), "QemuVm creates it as the VM starts");
        Files.createDirectories(first);
        assertEquals(root.resolve("20261207-120000-rollback.2"), new Sessions(root).next(AT, "rollback"));
    }

    @Test
    void failedStartsDoNotPushOutTheDevicesAndEachRemovedOneIsNamed() throws Exception {
        Path oldest = session(0, true);
        for (int m = 1; m <= 5; m++) session(m, true);
        session(6, false); // a VM that never started: its log, no device
        session(7, false);
        assertEquals(List.of(oldest), new Sessions(root).prune());
        assertFalse(Files.exists(oldest.resolve(Sessions.OVERLAY)));
        assertTrue(Files.exists(root.resolve("20261207-120100").resolve(Sessions.OVERLAY)), "the five newest devices stay");
        assertEquals(root.resolve("20261207-120500"), new Sessions(root).lastDevice().orElseThrow());
        assertEquals(List.of(), new Sessions(root).prune());
    }
}
