package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing directories and unwritable reports are said in one line with the usage status, never as a raw exception. */
class MarkersCliErrorsTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void flakinessOverAMissingRootSaysSoInOneLine() {
        assertEquals(MarkersCheck.USAGE, cli.run("flakiness", dir.resolve("none").toString()));
        assertEquals("markers flakiness: LOG_UNREADABLE: no such directory " + dir.resolve("none")
                + " (scripts/flakiness N makes them)\n", cli.err());
    }

    @Test
    void flakinessOverARootWithoutRunsSaysSoInOneLine() {
        assertEquals(MarkersCheck.USAGE, cli.run("flakiness", dir.toString()));
        assertEquals("markers flakiness: NOTHING_TO_CHECK: no run-<n> directories under " + dir + " (scripts/flakiness N makes them)\n",
                cli.err());
    }

    @Test
    void aJunitXmlInAMissingDirectoryIsNamedWithoutTheExceptionsClass() throws Exception {
        Path log = AwaitRecordTest.log(dir.resolve("serial.log"), 1_000, 1, "OpenSBI v1.1",
                "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready", "bundlemgrd: slot a active",
                "updated: ready", "nx: console ready");
        Path xml = dir.resolve("none/x.xml");
        assertEquals(MarkersCheck.USAGE, cli.run("check", "first-boot", log.toString(), "--junit-xml", xml.toString()));
        assertEquals("markers check: cannot write JUnit XML " + xml + ": no such directory " + dir.resolve("none") + "\n", cli.err());
        assertFalse(Files.exists(xml));
    }
}
