package io.trialboot.markers.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwaitRecordTest {
    @TempDir
    Path dir;

    static Path log(Path file, long offsetMs, int boot, String... texts) throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        long t = offsetMs;
        for (String text : texts) {
            lines.add(ConsoleLog.format(new ConsoleLine(Duration.ofMillis(t), boot, text)));
            t += 2_000;
        }
        Files.write(file, lines);
        return file;
    }

    @Test
    void formatsAndParsesTheSameRecord() {
        AwaitRecord r = new AwaitRecord(12, 34_567, 40_001, 2.5, true, true, 4, 4, "first-boot");
        String line = "from-line=12 from-ms=34567 until-ms=40001 scale=2.5 source=built-in outcome=met steps=4/4 contract=first-boot";
        assertEquals(line, r.format());
        assertEquals(r, AwaitRecord.parse(line, "contracts.txt", 1));
        String older = "from-line=12 from-ms=34567 scale=2.5 source=built-in outcome=met steps=4/4 contract=first-boot";
        assertEquals(-1, AwaitRecord.parse(older, "contracts.txt", 1).untilMs(), "a record written before until-ms was");
        assertEquals(older, AwaitRecord.parse(older, "contracts.txt", 1).format());
        AwaitRecord inline = AwaitRecord.parse("from-line=0 from-ms=0 scale=1 source=inline outcome=failed steps=1/2 contract=a b", "f", 1);
        assertEquals("a b", inline.contract());
        assertFalse(inline.builtIn());
    }

    @Test
    void malformedLinesAreRefusedWithTheirCodeAndPlace() {
        ContractException e = assertThrows(ContractException.class, () -> AwaitRecord.parse("contract=first-boot", "runs/x/contracts.txt", 3));
        assertEquals(ContractException.Code.RUN_RECORD_MALFORMED, e.code());
        assertTrue(e.getMessage().startsWith("RUN_RECORD_MALFORMED: runs/x/contracts.txt:3: not 'from-line=N"), e.getMessage());
        ContractException inconsistent = assertThrows(ContractException.class, () -> AwaitRecord.parse(
                "from-line=0 from-ms=0 scale=1 source=inline outcome=met steps=1/2 contract=x", "f", 1));
        assertEquals(ContractException.Code.RUN_RECORD_MALFORMED, inconsistent.code());
        ContractException backwards = assertThrows(ContractException.class, () -> AwaitRecord.parse(
                "from-line=0 from-ms=500 until-ms=499 scale=1 source=inline outcome=met steps=1/1 contract=x", "f", 1));
        assertEquals(ContractException.Code.RUN_RECORD_MALFORMED, backwards.code());
    }

    @Test
    void aGuestSilentUntilTheAwaitsEndFailsByItsTimeoutOfflineAsItDidLive() throws Exception {
        // The second-hart stall: OpenSBI's banner at +1 s, then nothing; the live await waited out the
        // first step's 90 s with QEMU running and ended at +91.4 s.
        Path serial = log(dir.resolve("serial.log"), 1_000, 1, "OpenSBI v1.1");
        ContractMatcher stall = new AwaitRecord(0, 355, 91_400, 1, true, false, 0, 4, "first-boot").recheck(serial);
        assertEquals(ContractFailure.Kind.TIMEOUT, stall.failure().orElseThrow().kind());
        assertTrue(stall.failure().orElseThrow().summary().endsWith("not seen within 91 s (timeout 90 s x scale 1)"),
                stall.failure().orElseThrow().summary());
        // QEMU that exited at +2 s: the console ended, as it did live.
        ContractMatcher exited = new AwaitRecord(0, 355, 2_000, 1, true, false, 0, 4, "first-boot").recheck(serial);
        assertEquals(ContractFailure.Kind.INPUT_ENDED, exited.failure().orElseThrow().kind());
        // A record without until-ms cannot tell; it is read as before.
        ContractMatcher older = new AwaitRecord(0, 355, -1, 1, true, false, 0, 4, "first-boot").recheck(serial);
        assertEquals(ContractFailure.Kind.INPUT_ENDED, older.failure().orElseThrow().kind());
    }

    @Test
    void knowsBuiltInContractsFromInlineOnesOfTheSameName() {
        assertTrue(AwaitRecord.isBuiltIn(Contract.builtIn("first-boot")));
        assertFalse(AwaitRecord.isBuiltIn(Contract.parse("first-boot", "boot 1\nexpect 1s BOOTCTLD_READY\n")));
        assertFalse(AwaitRecord.isBuiltIn(Contract.parse("mine", "boot 1\nexpect 1s BOOTCTLD_READY\n")));
    }

    @Test
    void recheckStartsAtTheRecordedLineAndTime() throws Exception {
        // An earlier await consumed the first two lines; this one started at +100 s.
        Path serial = log(dir.resolve("serial.log"), 100_000, 1, "OpenSBI v1.1", "nx: console ready",
                "stage0: boot slot=a mode=normal tries_left=0 boot=1", "bootctld: ready", "bundlemgrd: slot a active", "updated: ready");
        ContractMatcher fromStart = new AwaitRecord(0, 0, -1, 1, true, true, 4, 4, "first-boot").recheck(serial);
        assertFalse(fromStart.passed(), "from the run's start the first step is 104 s late");
        ContractMatcher m = new AwaitRecord(2, 100_000, 112_000, 1, true, true, 4, 4, "first-boot").recheck(serial);
        assertTrue(m.passed(), m.failure().map(f -> f.report()).orElse(""));
        assertEquals(Duration.ofSeconds(4), m.results().get(0).waited());
    }

    @Test
    void recordOfALiveMatcher() {
        ContractMatcher m = new ContractMatcher(Contract.builtIn("first-boot"), 1.5);
        m.offer(new ConsoleLine(Duration.ofSeconds(1), 1, "stage0: boot slot=a mode=normal tries_left=0 boot=1"));
        m.endOfInput();
        assertEquals("from-line=3 from-ms=500 until-ms=1500 scale=1.5 source=built-in outcome=failed steps=1/4 contract=first-boot",
                AwaitRecord.of(m, 3, 500, 1_500, 1.5).format());
        assertThrows(IllegalStateException.class, () -> new AwaitRecord(0, 0, -1, 1, false, true, 1, 1, "x").recheck(dir));
    }
}
