package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.TrialbootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bundle} and {@code system pack} outputs (and the admission files) are written beside and renamed in. */
class PackagingWriteTest {
    @TempDir
    Path dir;

    @Test
    void anOutputThatCannotBeWrittenLeavesTheOldBytes() throws Exception {
        Path out = Files.write(dir.resolve("system.nxs"), new byte[] {1, 2});
        Path blocked = Files.createDirectories(dir.resolve(".system.nxs.tmp/x"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> Packaging.write(out, new byte[] {3}));
        assertEquals("HOST_IO_ERROR: durable write of " + out + " failed: Is a directory", e.getMessage());
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(out));

        Files.delete(blocked);
        Files.delete(blocked.getParent());
        Packaging.write(out, new byte[] {3});
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("system.nxs"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
