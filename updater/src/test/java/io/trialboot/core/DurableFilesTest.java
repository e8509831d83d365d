package io.trialboot.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void writePairReplacesBothAndLeavesNoTempFiles() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1});
        Path sig = Files.write(dir.resolve("m.sig"), new byte[] {2});
        DurableFiles.writePair(file, new byte[] {3, 3}, sig, new byte[] {4, 4});
        assertArrayEquals(new byte[] {3, 3}, Files.readAllBytes(file));
        assertArrayEquals(new byte[] {4, 4}, Files.readAllBytes(sig));
        assertEquals(List.of("m", "m.sig"), names());
    }

    @Test
    void aPairWriteThatFailsMidwayLeavesTheOldPair() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1});
        Path sig = Files.write(dir.resolve("m.sig"), new byte[] {2});
        Files.createDirectories(dir.resolve(".m.sig.tmp/x")); // the signature's temp cannot be written
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> DurableFiles.writePair(file, new byte[] {3}, sig, new byte[] {4}));
        assertEquals("HOST_IO_ERROR: durable write of " + file.toAbsolutePath() + " and m.sig failed: Is a directory",
                e.getMessage());
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(file));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(sig));
        assertEquals(List.of(".m.sig.tmp", "m", "m.sig"), names());
    }

    @Test
    void aPairWhoseOldSignatureCannotBeRemovedKeepsTheOldFile() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1});
        Path sig = Files.createDirectories(dir.resolve("m.sig/x")).getParent();
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> DurableFiles.writePair(file, new byte[] {3}, sig, new byte[] {4}));
        assertEquals(Code.HOST_IO_ERROR, e.code());
        assertEquals("HOST_IO_ERROR: durable write of " + file.toAbsolutePath() + " and m.sig failed: directory not empty",
                e.getMessage());
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(file));
        assertEquals(List.of("m", "m.sig"), names());
    }

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
