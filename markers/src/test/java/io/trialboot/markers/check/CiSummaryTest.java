package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CiSummaryTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private Path saved(String name, String records, String... texts) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("runs").resolve(name));
        AwaitRecordTest.log(runDir.resolve("serial.log"), 1_000, 1, texts);
        Files.writeString(runDir.resolve(AwaitRecord.FILE), records);
        return runDir;
    }

    private static final String[] FIRST_BOOT = {"OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1",
        "bootctld: ready", "bundlemgrd: slot a active", "updated: ready", "nx: console ready"};

    private void report(String module, String plugin, String file, String counts) throws Exception {
        Path d = Files.createDirectories(dir.resolve(module).resolve("target").resolve(plugin + "-reports"));
        Files.writeString(d.resolve(file), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"x\" " + counts + ">\n</testsuite>\n");
    }

    @Test
    void totalsTestsPerModuleByName() throws Exception {
        report("markers", "surefire", "TEST-a.xml", "tests=\"10\" failures=\"0\" errors=\"0\" skipped=\"1\"");
        report("markers", "surefire", "TEST-b.xml", "tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"0\"");
        report("harness", "failsafe", "TEST-c.xml", "tests=\"7\" errors=\"0\" skipped=\"0\" failures=\"0\"");
        Files.writeString(dir.resolve("harness/target/failsafe-reports/failsafe-summary.xml"), "<failsafe-summary/>");
        JunitTotals.print(dir, cli.outStream());
        assertEquals("""
                tests per module:
                  harness  QEMU (*IT)      7 run   0 failed   0 errors   0 skipped
                  markers  unit (*Test)   15 run   1 failed   0 errors   1 skipped
                  total                   22 run   1 failed   0 errors   1 skipped
                """, cli.out());
    }

    @Test
    void gateRechecksBuiltInContractsAndPrintsTheSlowestSteps() throws Exception {
        saved("FirstBootIT/bootsSlotA", """
                from-line=0 from-ms=0 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot
                from-line=5 from-ms=11000 scale=1 source=inline outcome=met steps=1/1 contract=nx-status
                """, FIRST_BOOT);
        Path junit = dir.resolve("contract-reports");
        assertEquals(MarkersCheck.HOLDS, cli.run("summary", "--runs", dir.resolve("runs").toString(), "--reports", dir.toString(),
                "--junit-dir", junit.toString()));
        String o = cli.out();
        assertTrue(o.contains("contract gate: markers check over 1 QEMU run's serial.log, timeout scale 1; JUnit XML in " + junit), o);
        assertTrue(o.contains("  ok    FirstBootIT/bootsSlotA  first-boot 4/4 steps, slowest: #1 'stage0: boot slot=a mode=normal "
                + "tries_lef...' 3 s of 90 s (margin 87 s); #2 'bootctld: ready' 2 s of 60 s (margin 58 s); "), o);
        assertTrue(o.contains("  live  FirstBootIT/bootsSlotA  1 await(s) checked live only (inline, or failed live): 1 met, 0 failed"), o);
        assertTrue(o.endsWith("contract gate: 1 built-in contract(s) re-checked: 1 hold, 0 failed; 1 await(s) checked live only\n"), o);
        String xml = Files.readString(junit.resolve("TEST-contract.FirstBootIT.bootsSlotA.first-boot-1.xml"));
        assertTrue(xml.contains("<testsuite name=\"contract.FirstBootIT.bootsSlotA.first-boot\" tests=\"4\" failures=\"0\""), xml);
    }

    @Test
    void aContractThatNoLongerHoldsFailsTheGateAndLinksTheTimeline() throws Exception {
        Path runDir = saved("OtaCycleIT/cycle", "from-line=0 from-ms=0 scale=2 source=built-in outcome=met steps=4/4 contract=first-boot\n",
                "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready", "updated: ready");
        Files.writeString(runDir.resolve("timeline.html"), "<html></html>");
        assertEquals(MarkersCheck.NOT_MET, cli.run("summary", "--runs", dir.resolve("runs").toString(), "--reports", dir.toString(),
                "--junit-dir", dir.resolve("j").toString()));
        String o = cli.out();
        assertTrue(o.contains("  FAIL  OtaCycleIT/cycle  first-boot 2/4 steps: contract 'first-boot' failed at step 3 of 4 (boot 1): "
                + "marker 'bundlemgrd: slot a active' not seen: the console ended"), o);
        assertTrue(o.contains("        timeline: " + runDir.resolve("timeline.html").toUri()), o);
        assertTrue(o.contains("timeout scale 2;"), o);
        String xml = Files.readString(dir.resolve("j/TEST-contract.OtaCycleIT.cycle.first-boot-1.xml"));
        assertTrue(xml.contains("<failure type=\"INPUT_ENDED\""), xml);
    }

    @Test
    void flakyTestsAreCountedFromTheRerunEntriesOfTheReports() throws Exception {
        Path d = Files.createDirectories(dir.resolve("harness/target/failsafe-reports"));
        Files.writeString(d.resolve("TEST-it.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="it" tests="2" failures="0" errors="0" skipped="0">
                  <testcase name="a"><flakyFailure message="m" type="t"/><flakyFailure message="m2" type="t"/></testcase>
                  <testcase name="b"/>
                </testsuite>
                """);
        JunitTotals.print(dir, cli.outStream());
        assertTrue(cli.out().contains("  harness  QEMU (*IT)     2 run   0 failed   0 errors   0 skipped   1 FLAKY (passed on a rerun)"), cli.out());
    }

    @Test
    void anAttemptFailsafeRanAgainIsReportedFlakyAndTheLastAttemptIsGated() throws Exception {
        saved("RebootCycleIT/reboot", "from-line=0 from-ms=0 scale=1 source=built-in outcome=failed steps=2/4 contract=first-boot\n",
                "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1");
        saved("RebootCycleIT/reboot-2", "from-line=0 from-ms=0 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot\n",
                FIRST_BOOT);
        assertEquals(MarkersCheck.HOLDS, cli.run("summary", "--runs", dir.resolve("runs").toString(), "--reports", dir.toString(),
                "--junit-dir", dir.resolve("j").toString()));
        String o = cli.out();
        assertTrue(o.contains("  FLAKY RebootCycleIT/reboot: an attempt Failsafe ran again as RebootCycleIT/reboot-2 (its outcome is "
                + "the test's); this attempt's awaits: first-boot FAILED"), o);
        assertTrue(o.contains("  ok    RebootCycleIT/reboot-2  first-boot 4/4 steps"), o);
        assertTrue(o.endsWith("1 hold, 0 failed; 0 await(s) checked live only; 1 FLAKY run(s) superseded by a rerun\n"), o);
    }

    @Test
    void aFailedLastAttemptStillFailsTheGate() throws Exception {
        saved("RebootCycleIT/reboot", "from-line=0 from-ms=0 scale=1 source=built-in outcome=failed steps=2/4 contract=first-boot\n",
                "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1");
        saved("RebootCycleIT/reboot-2", "from-line=0 from-ms=0 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot\n",
                "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1");
        assertEquals(MarkersCheck.NOT_MET, cli.run("summary", "--runs", dir.resolve("runs").toString(), "--reports", dir.toString(),
                "--junit-dir", dir.resolve("j").toString()));
        assertTrue(cli.out().contains("  FAIL  RebootCycleIT/reboot-2  first-boot 1/4 steps"), cli.out());
    }

    @Test
    void aBuiltInContractThatFailedLiveIsLeftToTheTestsJunitResult() throws Exception {
        saved("PowerCutContainerIT/cut", "from-line=0 from-ms=0 scale=1 source=built-in outcome=failed steps=1/4 contract=first-boot\n",
                "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1");
        assertEquals(MarkersCheck.HOLDS, cli.run("summary", "--runs", dir.resolve("runs").toString(), "--reports", dir.toString(),
                "--junit-dir", dir.resolve("j").toString()));
        assertTrue(cli.out().contains("  live  PowerCutContainerIT/cut  1 await(s) checked live only (inline, or failed live): 0 met, 1 failed"),
                cli.out());
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(MarkersCheck.USAGE, cli.run("summary", "--runs"));
        assertEquals(MarkersCheck.USAGE, cli.run("summary", "--fast", "x"));
        assertTrue(cli.err().contains("usage: markers summary"), cli.err());
    }
}
