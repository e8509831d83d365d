package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate never passes on input it could not use: no runs, nothing at all to check, a malformed record. */
class CiSummaryInputTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private static final String[] FIRST_BOOT = {"OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1",
        "bootctld: ready", "bundlemgrd: slot a active", "updated: ready", "nx: console ready"};

    private int summary(Path runs) {
        return cli.run("summary", "--runs", runs.toString(), "--reports", dir.toString(), "--junit-dir", dir.resolve("j").toString());
    }

    @Test
    void aMissingRunsDirectoryIsUnusableInput() {
        assertEquals(MarkersCheck.USAGE, summary(dir.resolve("none")));
        assertEquals("markers summary: LOG_UNREADABLE: no such directory " + dir.resolve("none") + " (--runs): run it from the "
                + "project's root after mvn verify, or name the directory\n", cli.err());
        assertEquals("", cli.out());
    }

    @Test
    void theDefaultsFromAnotherDirectoryAreUnusableInput() {
        // the defaults are relative: from anywhere but the project's root there is no harness/target/qemu-runs
        assertEquals(MarkersCheck.USAGE, cli.run("summary", "--reports", dir.toString()));
        assertTrue(cli.err().startsWith("markers summary: LOG_UNREADABLE: no such directory "), cli.err());
        assertEquals(MarkersCheck.USAGE, cli.run("summary", "--runs", dir.toString(), "--reports", dir.resolve("none").toString()));
        assertTrue(cli.err().contains(" (--reports): "), cli.err());
    }

    @Test
    void neitherARecordNorAReportIsNothingToCheckNotAnUnreadableLog() throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        assertEquals(MarkersCheck.USAGE, summary(runs));
        assertEquals("markers summary: NOTHING_TO_CHECK: no " + AwaitRecord.FILE + " under " + runs
                + " and no Surefire or Failsafe reports under " + dir + "\n", cli.err());
        assertEquals("", cli.out());
    }

    @Test
    void reportsWithoutQemuRunsPassWithNothingToRecheck() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("markers/target/surefire-reports"));
        Files.writeString(reports.resolve("TEST-a.xml"), "<testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\"/>");
        assertEquals(MarkersCheck.HOLDS, summary(Files.createDirectories(dir.resolve("runs"))));
        assertTrue(cli.out().contains("(no QEMU run recorded an await): nothing to re-check"), cli.out());
    }

    @Test
    void aMalformedRecordIsUnusableInputNamedByFileAndLineAndTheValidAwaitsAreStillRechecked() throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("runs/FirstBootIT/boots"));
        AwaitRecordTest.log(runDir.resolve("serial.log"), 1_000, 1, FIRST_BOOT);
        Path file = Files.writeString(runDir.resolve(AwaitRecord.FILE), """
                from-line=0 from-ms=0 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot
                garbage
                """);
        assertEquals(MarkersCheck.USAGE, summary(dir.resolve("runs")));
        String o = cli.out();
        assertTrue(o.contains("  BAD   FirstBootIT/boots: RUN_RECORD_MALFORMED: " + file + ":2: not 'from-line=N"), o);
        assertTrue(o.contains("  ok    FirstBootIT/boots  first-boot 4/4 steps"), o);
        assertTrue(o.endsWith("contract gate: 1 built-in contract(s) re-checked: 1 hold, 0 failed; 0 await(s) checked live only; "
                + "1 contracts.txt line(s) unusable (BAD above): exit 2\n"), o);
    }

    @Test
    void anUnreadableRecordIsUnusableInputAndCountsNoContract() throws Exception {
        Files.createDirectories(dir.resolve("runs/X/y/" + AwaitRecord.FILE)); // a directory: cannot be read as a file
        assertEquals(MarkersCheck.USAGE, summary(dir.resolve("runs")));
        assertTrue(cli.out().contains("  BAD   X/y: LOG_UNREADABLE: cannot read run record "), cli.out());
        assertTrue(cli.out().contains("contract gate: 0 built-in contract(s) re-checked: 0 hold, 0 failed;"), cli.out());
    }
}
