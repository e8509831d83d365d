package io.trialboot.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {
    @TempDir
    Path dir;

    @Test
    void readsAFileWithinItsBound() throws Exception {
        Path f = Files.write(dir.resolve("m"), new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Inputs.read(f, 3));
    }

    @Test
    void rejectsAFileOverItsBoundBeforeReadingIt() throws Exception {
        Path f = Files.write(dir.resolve("m"), new byte[4]);
        TrialbootException e = assertThrows(TrialbootException.class, () -> Inputs.read(f, 3));
        assertEquals("HOST_INPUT_OVERSIZE: " + f + " is 4 bytes/items, over the bound of 3", e.getMessage());
    }

    @Test
    void reportsAMissingFileAsNotFound() {
        TrialbootException e = assertThrows(TrialbootException.class, () -> Inputs.read(dir.resolve("none"), 3));
        assertEquals(Code.HOST_NOT_FOUND, e.code());
    }

    @Test
    void tellsAFailedReadInTheSystemsWordsNotAJavaClassName() throws Exception {
        Path d = Files.createDirectory(dir.resolve("a-directory"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> Inputs.read(d, 1 << 20));
        assertEquals(Code.HOST_IO_ERROR, e.code());
        assertEquals("HOST_IO_ERROR: cannot read " + d + ": Is a directory", e.getMessage());
    }

    @Test
    void aReasonlessFailureIsStillWordsNotAClassName() {
        assertEquals("input/output error", IoFailure.reason(new java.io.IOException()));
        assertEquals("permission denied", IoFailure.reason(new java.nio.file.AccessDeniedException("/x")));
        // the JDK gives these no reason, only the path: the reason is said in words, not as the path again
        assertEquals("not a directory", IoFailure.reason(new java.nio.file.NotDirectoryException("/x")));
        assertEquals("directory not empty", IoFailure.reason(new java.nio.file.DirectoryNotEmptyException("/x")));
        assertEquals("file exists", IoFailure.reason(new java.nio.file.FileAlreadyExistsException("/x")));
    }

    @Test
    void measuresDigestAndSizeAndStopsAtTheBound() {
        byte[] data = new byte[200_000];
        data[7] = 7;
        Inputs.Measured m = Inputs.measure(new ByteArrayInputStream(data), data.length, "x");
        assertEquals(new Inputs.Measured(Sha256.of(data), data.length), m);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> Inputs.measure(new ByteArrayInputStream(data), 100_000, "image"));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code());
    }
}
