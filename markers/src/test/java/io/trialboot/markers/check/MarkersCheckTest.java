package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Marker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class MarkersCheckTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    private int run(String... args) {
        return cli.run(args);
    }

    private String out() {
        return cli.out();
    }

    private String err() {
        return cli.err();
    }

    private Path log(String name, String... timedLines) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String l : timedLines) {
            String[] p = l.split(" ", 3);
            lines.add(ConsoleLog.format(new ConsoleLine(Duration.ofMillis(Math.round(Double.parseDouble(p[0]) * 1000)),
                    Integer.parseInt(p[1]), p[2])));
        }
        Path f = dir.resolve(name);
        Files.write(f, lines);
        return f;
    }

    private Path goodFirstBoot() throws Exception {
        return log("good.log",
                "0.0 1 OpenSBI v1.1",
                "3.0 1 stage0: boot slot=a mode=normal tries_left=0 boot=1",
                "20.5 1 bootctld: ready",
                "21.0 1 bundlemgrd: slot a active",
                "80.0 1 updated: ready");
    }

    @Test
    void holdingContractExitsZeroWithSummary() throws Exception {
        assertEquals(0, run("check", "first-boot", goodFirstBoot().toString()));
        assertEquals("""
                contract 'first-boot' holds: 4 of 4 steps met in boot 1 (5 console lines read)
                smallest margin: step 4 'updated: ready' took 59 s of 60 s (margin 1 s)
                """, out());
        assertEquals("", err());
    }

    @Test
    void unmetContractExitsOneWithTheReport() throws Exception {
        Path log = log("late.log",
                "0.0 1 OpenSBI v1.1",
                "3.0 1 stage0: boot slot=a mode=normal tries_left=0 boot=1",
                "20.5 1 bootctld: ready",
                "21.0 1 bundlemgrd: slot a active",
                "85.0 1 updated: ready");
        assertEquals(1, run("check", "first-boot", log.toString()));
        assertEquals("""
                contract 'first-boot' failed at step 4 of 4 (boot 1): marker 'updated: ready' not seen within 64 s (timeout 60 s x scale 1)
                still waiting for: [] (this was the last step)
                last console lines (boot 1):
                  +0.0s   OpenSBI v1.1
                  +3.0s   stage0: boot slot=a mode=normal tries_left=0 boot=1
                  +20.5s  bootctld: ready
                  +21.0s  bundlemgrd: slot a active
                  +85.0s  updated: ready
                full log: %s
                """.formatted(log), err());
        assertEquals("", out());
    }

    @Test
    void scaleTurnsALateLogIntoAPass() throws Exception {
        Path log = log("late.log",
                "3.0 1 stage0: boot slot=a mode=normal tries_left=0 boot=1",
                "20.5 1 bootctld: ready",
                "21.0 1 bundlemgrd: slot a active",
                "85.0 1 updated: ready");
        assertEquals(0, run("check", "first-boot", log.toString(), "--scale", "1.5"));
        assertTrue(out().contains("smallest margin: step 4 'updated: ready' took 64 s of 90 s (margin 26 s)"), out());
    }

    @Test
    void logEndingEarlyIsNotMet() throws Exception {
        Path log = log("short.log", "3.0 1 stage0: boot slot=a mode=normal tries_left=0 boot=1");
        assertEquals(1, run("check", "first-boot", log.toString()));
        assertTrue(err().startsWith("contract 'first-boot' failed at step 2 of 4 (boot 1): marker 'bootctld: ready' not seen: "
                + "the console ended after 0 s (timeout 60 s x scale 1)\n"), err());
    }

    @Test
    void rawCaptureIsCheckedWithoutTimes() throws Exception {
        Path raw = dir.resolve("raw.txt");
        Files.writeString(raw, "OpenSBI v1.1\r\n" + Marker.STAGE0_BOOT.line("a", "normal", 0, 1) + "\r\nbootctld: ready\r\n"
                + "bundlemgrd: slot a active\r\nupdated: ready\r\n");
        assertEquals(0, run("check", "first-boot", raw.toString()));
        assertTrue(out().endsWith("times unknown (raw console capture): timeouts not checked\n"), out());
    }

    @Test
    void aRestoreLineOpensABootOfflineAsItDidLive() throws Exception {
        String restore = BootBoundary.restoreLine("factory-at-console", "5c".repeat(32));
        Path c = dir.resolve("after-restore.contract");
        Files.writeString(c, "boot 2\nexpect 5s UPDATED_READY\n");
        Path stale = log("stale.log", "0.0 1 OpenSBI v1.1", "1.0 1 updated: ready", "2.0 2 " + restore, "3.0 2 slot=a");
        assertEquals(1, run("check", c.toString(), stale.toString()), "the line before the restore meets nothing");
        Path raw = dir.resolve("restored-raw.txt");
        Files.writeString(raw, "OpenSBI v1.1\r\nupdated: ready\r\n" + restore + "\r\nupdated: ready\r\n");
        assertEquals(0, run("check", c.toString(), raw.toString()), "a raw capture counts the restore as a boot: " + out() + err());
    }

    @Test
    void contractFileByPath() throws Exception {
        Path c = dir.resolve("mine.contract");
        Files.writeString(c, "boot 1\nexpect 5s BOOTCTLD_READY\n");
        assertEquals(1, run("check", c.toString(), goodFirstBoot().toString()));
        assertTrue(err().startsWith("contract 'mine' failed at step 1 of 1 (boot 1): marker 'bootctld: ready' not seen within 20.5 s"),
                err());
    }

    @Test
    void forbiddenLineExitsOne() throws Exception {
        Path log = log("panic.log", "0.0 1 OpenSBI v1.1", "2.0 1 [    1.9] Kernel panic - not syncing: no init");
        assertEquals(1, run("check", "first-boot", log.toString()));
        assertTrue(err().contains("forbidden line at +2.0s (boot 1): '[    1.9] Kernel panic - not syncing: no init'"), err());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path log = goodFirstBoot();
        assertEquals(2, run());
        assertTrue(err().startsWith("markers: no command\nusage: markers check"), err());
        cli.reset();
        assertEquals(2, run("check", "first-boot"));
        assertTrue(err().startsWith("markers: need a contract and a serial log\n"), err());
        cli.reset();
        assertEquals(2, run("check", "first-boot", log.toString(), "--scale", "0"));
        assertTrue(err().startsWith("markers: --scale '0' is not a number in (0, 1000]\n"), err());
        cli.reset();
        assertEquals(2, run("check", "first-boot", log.toString(), "--scale", "fast"));
        assertEquals(2, run("check", "first-boot", log.toString(), "--verbose"));
        assertEquals(2, run("check", "first-boot", log.toString(), "extra"));
        assertEquals(2, run("check", "first-boot", log.toString(), "--junit-xml"));
        assertEquals(2, run("verify", "first-boot", log.toString()));
        assertEquals(2, run("check", "first-boot", "bad\u0000path"));
        cli.reset();
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: markers check"), out());
        assertEquals("", err());
    }

    @Test
    void unusableInputExitsTwoWithItsCode() throws Exception {
        assertEquals(2, run("check", "first-boot", dir.resolve("missing.log").toString()));
        assertTrue(err().startsWith("markers check: LOG_UNREADABLE: no such serial log: "), err());
        cli.reset();
        Path broken = dir.resolve("broken.log");
        Files.writeString(broken, "+0001.000 boot=1 | ok\nnot a log line\n");
        assertEquals(2, run("check", "first-boot", broken.toString()));
        assertTrue(err().startsWith("markers check: LOG_MALFORMED: " + broken + ":2: "), err());
        cli.reset();
        assertEquals(2, run("check", "no-such-contract", goodFirstBoot().toString()));
        assertTrue(err().startsWith("markers check: CONTRACT_NOT_FOUND: no built-in contract 'no-such-contract'"), err());
        cli.reset();
        Path bad = dir.resolve("bad.contract");
        Files.writeString(bad, "boot 1\nexpect soon UPDATED_READY\n");
        assertEquals(2, run("check", bad.toString(), goodFirstBoot().toString()));
        assertTrue(err().startsWith("markers check: CONTRACT_SYNTAX: contract 'bad' line 2: timeout 'soon'"), err());
    }

    @Test
    void writesOneJunitCasePerStep() throws Exception {
        Path log = log("b.log", "3.0 1 stage0: boot slot=a mode=normal tries_left=0 boot=1", "4.0 1 bootctld: ready",
                "5.0 1 Exception in thread \"main\" java.lang.IllegalStateException: <boom> & more");
        Path xml = dir.resolve("report.xml");
        assertEquals(1, run("check", "first-boot", log.toString(), "--junit-xml", xml.toString()));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        var suite = doc.getDocumentElement();
        assertEquals("markers.first-boot", suite.getAttribute("name"));
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("skipped"));
        var cases = doc.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        assertEquals("step 1 (boot 1): stage0: boot slot=a mode=normal tries_left=<int> boot=<int>",
                ((org.w3c.dom.Element) cases.item(0)).getAttribute("name"));
        assertEquals("3", ((org.w3c.dom.Element) cases.item(0)).getAttribute("time"));
        var failure = (org.w3c.dom.Element) doc.getElementsByTagName("failure").item(0);
        assertEquals("FORBIDDEN", failure.getAttribute("type"));
        assertTrue(failure.getAttribute("message").contains("'Exception in thread \"main\" java.lang.IllegalStateException: <boom> & more'"),
                failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("\nlast console lines (boot 1):\n"), failure.getTextContent());
    }

    @Test
    void catalogCommandListsEveryMarker() {
        assertEquals(0, run("catalog"));
        List<String> lines = out().lines().toList();
        assertEquals(Marker.values().length, lines.size());
        assertEquals("UPDATED_READY\tupdated: ready", lines.get(Marker.UPDATED_READY.ordinal()));
    }
}
