package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotReleaseTest {
    @TempDir
    Path dir;

    @Test
    void theVersionWrittenIsTheVersionRead() throws IOException {
        Path file = Files.writeString(dir.resolve("release"), SlotRelease.text("1.2.3"));
        assertEquals("NAME=trialboot\nVERSION=1.2.3\n", Files.readString(file));
        assertEquals(Optional.of("1.2.3"), SlotRelease.version(file));
    }

    @Test
    void theFirstVersionLineCountsAndAFileWithoutOneHasNone() throws IOException {
        assertEquals(Optional.of("2.0.0"), SlotRelease.version(Files.writeString(dir.resolve("two"), "VERSION=2.0.0\nVERSION=3.0.0\n")));
        assertEquals(Optional.empty(), SlotRelease.version(Files.writeString(dir.resolve("none"), "NAME=trialboot\nVERSIONS=1\n")));
    }

    @Test
    void oneReadAnswersTheBuildIdAndTheVersion() throws IOException {
        Path file = Files.writeString(dir.resolve("release"), SlotRelease.text("1.2.3"));
        SlotRelease.Read read = SlotRelease.read(file);
        Files.delete(file); // what was read answers both: the guest reads the file once at start-up
        assertEquals("trialboot-1.2.3", read.buildId());
        assertEquals(Version.parse("1.2.3"), read.version());
    }

    @Test
    void aReleaseFileThatDoesNotReadOrNamesNoVersionIsAnUnknownBuildAndFailsWithItsCode() throws IOException {
        SlotRelease.Read missing = SlotRelease.read(dir.resolve("none"));
        assertEquals("trialboot-unknown", missing.buildId());
        TrialbootException e = assertThrows(TrialbootException.class, missing::version);
        assertEquals(Code.HOST_NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("HOST_NOT_FOUND: cannot read the slot's release file " + dir.resolve("none") + ": "),
                e.getMessage());
        SlotRelease.Read noVersion = SlotRelease.read(Files.writeString(dir.resolve("nv"), "NAME=trialboot\n"));
        assertEquals("trialboot-unknown", noVersion.buildId());
        assertEquals("MALFORMED_INPUT: " + dir.resolve("nv") + " has no VERSION= line",
                assertThrows(TrialbootException.class, noVersion::version).getMessage());
    }

    /** The slot builder writes the file and the guest reads it only through SlotRelease. */
    @Test
    void noOtherMainSourceWritesOrReadsTheVersionLine() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../guest-image/src/main/java"))) {
            try (Stream<Path> sources = Files.walk(root)) {
                for (Path source : sources.filter(s -> s.toString().endsWith(".java")).toList()) {
                    if (!source.endsWith("SlotRelease.java") && Files.readString(source).contains("\"VERSION=")) {
                        found.add(source.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
