package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlakinessTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private void saved(int n, String... texts) throws Exception {
        savedIn(n, "boots", texts);
    }

    private void savedIn(int n, String method, String... texts) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run-" + n).resolve("FirstBootIT").resolve(method));
        AwaitRecordTest.log(runDir.resolve("serial.log"), 1_000, 1, texts);
        Files.writeString(runDir.resolve(AwaitRecord.FILE),
                "from-line=0 from-ms=0 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot\n");
    }

    @Test
    void tabulatesEveryRunInOrderAndPutsTheSectionIntoTheDocs() throws Exception {
        String[] good = {"OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready",
            "bundlemgrd: slot a active", "updated: ready"};
        saved(1, good);
        saved(2, "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready");
        saved(10, good);
        Files.createDirectories(dir.resolve("run-3")); // QEMU never got to record anything
        Path docs = dir.resolve("reliability.md");
        Files.writeString(docs, "# Reliability\n\n## Power cuts\n\ntext\n\n## Flakiness\n\nold table\n\n## Later\n\nkept\n");
        Path md = dir.resolve("out/flakiness.md");
        assertEquals(MarkersCheck.NOT_MET, cli.run("flakiness", dir.toString(), "--contract", "first-boot", "--out", md.toString(),
                "--docs", docs.toString()));
        String table = Files.readString(md);
        assertTrue(table.startsWith("## Flakiness\n\n`scripts/flakiness 4`: the `first-boot` contract 4 times in a row, each on a "
                + "fresh overlay: **2 of 4 passed**, timeout scale 1. Closest to its timeout in any run: step 1 took 3 s of 90 s (margin 87 s)."), table);
        List<String> rows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| run")).toList();
        assertEquals(4, rows.size(), table);
        assertEquals("| 1 | pass | 9 s | #1 `stage0: boot slot=a mode=normal tries_left=<int> boot=<int>` | 3 s of 90 s | 87 s |",
                rows.get(0));
        assertTrue(rows.get(1).startsWith("| 2 | FAIL: contract 'first-boot' failed at step 3 of 4 (boot 1)"), rows.get(1));
        assertTrue(rows.get(2).startsWith("| 3 | no result | | no await of 'first-boot' recorded"), rows.get(2));
        assertTrue(rows.get(3).startsWith("| 10 | pass |"), rows.get(3));
        assertEquals("# Reliability\n\n## Power cuts\n\ntext\n\n" + table + "\n## Later\n\nkept\n", Files.readString(docs));
        assertEquals(table, cli.out());
    }

    @Test
    void aRunThatPassedOnlyOnARerunCountsItsFirstAttempt() throws Exception {
        String[] good = {"OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready",
            "bundlemgrd: slot a active", "updated: ready"};
        savedIn(1, "boots", "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1"); // the first attempt failed
        savedIn(1, "boots-2", good); // "-2" sorts before "/": the rerun must not be taken for the run
        assertEquals(MarkersCheck.NOT_MET, cli.run("flakiness", dir.toString(), "--contract", "first-boot"));
        String row = cli.out().lines().filter(l -> l.startsWith("| 1 |")).findFirst().orElseThrow();
        assertTrue(row.startsWith("| 1 | FAIL: contract 'first-boot' failed at step 2 of 4 (boot 1)"), row);
        assertTrue(row.contains("(first of 2 attempts: a rerun setting ran it again; only the first counts)"), row);
        assertTrue(cli.out().contains("**0 of 1 passed**"), cli.out());
    }

    @Test
    void aStalledRunSaysItFailedByItsTimeoutWithQemuRunningAndWhereTheHartsWere() throws Exception {
        // The second-hart stall of 2026-12-07 (run 7): the banner at +1 s, then nothing for the first step's 90 s.
        Path runDir = Files.createDirectories(dir.resolve("run-7").resolve("OtaCycleIT").resolve("cycle"));
        AwaitRecordTest.log(runDir.resolve("serial.log"), 1_000, 1, "OpenSBI v1.1");
        Files.writeString(runDir.resolve(AwaitRecord.FILE),
                "from-line=0 from-ms=355 until-ms=91402 scale=1 source=built-in outcome=failed steps=0/4 contract=first-boot\n");
        Files.writeString(runDir.resolve(AwaitRecord.LIVE_REPORT), "contract 'first-boot' failed at step 1 of 4 (boot 1): ...\n"
                + "QEMU still running; vCPUs: cpu0 pc=ffffffff80a81240 (kernel), cpu1 pc=00000000802010bc (physical RAM"
                + " (kernel before the MMU is on), same pc a second earlier); a hart the kernel never brought up\n"
                + "timeout scale 1.0 (default); QEMU without acceleration (TCG)\n");
        assertEquals(MarkersCheck.NOT_MET, cli.run("flakiness", dir.toString(), "--contract", "first-boot"));
        String row = cli.out().lines().filter(l -> l.startsWith("| 7 |")).findFirst().orElseThrow();
        assertTrue(row.startsWith("| 7 | FAIL: contract 'first-boot' failed at step 1 of 4 (boot 1): marker 'stage0: boot slot=a"
                + " mode=normal tries_left=<int> boot=<int>' not seen within 91 s (timeout 90 s x scale 1); live: QEMU still running;"
                + " vCPUs: cpu0 pc=ffffffff80a81240 (kernel), cpu1 pc=00000000802010bc (physical RAM"), row);
        assertTrue(row.contains("a hart the kernel never brought up |"), row);
    }

    @Test
    void sectionIsAppendedWhenTheDocHasNone() {
        assertEquals("# R\n\n## Flakiness\n\nx\n", Flakiness.replaceSection("# R\n", "## Flakiness\n\nx\n"));
        assertEquals("## Flakiness\n\nnew\n", Flakiness.replaceSection("## Flakiness\n\nold\n", "## Flakiness\n\nnew\n"));
        assertEquals("## Flakiness\n\nx\n", Flakiness.replaceSection("", "## Flakiness\n\nx\n"));
    }

    @Test
    void allPassingExitsZeroAndNoRunsIsUsage() throws Exception {
        assertEquals(MarkersCheck.USAGE, cli.run("flakiness", dir.toString()));
        assertTrue(cli.err().startsWith("markers flakiness: NOTHING_TO_CHECK: no run-<n> directories under"), cli.err());
        saved(1, "OpenSBI v1.1", "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready",
                "bundlemgrd: slot a active", "updated: ready");
        assertEquals(MarkersCheck.HOLDS, cli.run("flakiness", dir.toString(), "--contract", "first-boot"));
        assertEquals(MarkersCheck.USAGE, cli.run("flakiness"));
    }
}
