package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {
    @Test
    void formatsWithMillisecondsAndBoot() {
        ConsoleLine l = new ConsoleLine(Duration.ofMillis(12_345), 2, "bootctld: ready");
        assertEquals("+0012.345 boot=2 | bootctld: ready", ConsoleLog.format(l));
        assertEquals("+12345.006 boot=0 | ", ConsoleLog.format(new ConsoleLine(Duration.ofMillis(12_345_006), 0, "")));
    }

    @Test
    void parseInvertsFormat() {
        for (ConsoleLine l : List.of(new ConsoleLine(Duration.ofMillis(12_345), 2, "a | b  "),
                new ConsoleLine(Duration.ZERO, 0, ""),
                new ConsoleLine(Duration.ofMillis(99_999_999), 17, "OpenSBI v1.1"))) {
            assertEquals(l, ConsoleLog.parse(ConsoleLog.format(l)));
        }
    }

    @Test
    void parseRejectsOtherText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConsoleLog.parse("+12.3 boot=1 | x"));
        assertEquals("not a serial.log line (+SSSS.mmm boot=N | text): '+12.3 boot=1 | x'", e.getMessage());
    }

    @Test
    void untimedLineHasNoSerialLogForm() {
        assertThrows(IllegalArgumentException.class, () -> ConsoleLog.format(new ConsoleLine(null, 1, "x")));
    }

    @Test
    void readsSerialLogWritten(@TempDir Path dir) throws Exception {
        List<ConsoleLine> lines = List.of(new ConsoleLine(Duration.ofMillis(10), 1, "OpenSBI v1.1"),
                new ConsoleLine(Duration.ofMillis(2_500), 1, "bootctld: ready"),
                new ConsoleLine(Duration.ofMillis(9_000), 2, "OpenSBI v1.1"));
        Path f = dir.resolve("serial.log");
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(ConsoleLog.format(l)).append("\r\n"));
        Files.writeString(f, sb);
        assertEquals(lines, ConsoleLog.read(f));
    }

    @Test
    void readsRawCaptureCountingBootsFromTheBanner(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("raw.txt");
        Files.write(f, ("qemu says hi\r\nOpenSBI v1.1\r\nbootctld: ready\r\n[ 9.1] reboot: Restarting system\rOpenSBI v1.6\n"
                + "bad \u00ff byte").getBytes(StandardCharsets.ISO_8859_1));
        List<ConsoleLine> lines = ConsoleLog.read(f);
        assertEquals(List.of(0, 1, 1, 2, 2), lines.stream().map(ConsoleLine::boot).toList());
        assertEquals("[ 9.1] reboot: Restarting systemOpenSBI v1.6", lines.get(3).text(), "a bare CR ends no line");
        assertEquals("bootctld: ready", lines.get(2).text());
        assertFalse(lines.get(2).timed());
        assertEquals("bad \ufffd byte", lines.get(4).text());
    }

    @Test
    void rejectsBrokenSerialLogLineWithItsNumber(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("serial.log");
        Files.writeString(f, "+0001.000 boot=1 | a\n+0002.000 boot=1 | b\ngarbage\n");
        ContractException e = assertThrows(ContractException.class, () -> ConsoleLog.read(f));
        assertEquals(ContractException.Code.LOG_MALFORMED, e.code());
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("LOG_MALFORMED: " + f + ":3: not in the serial.log form"), e.getMessage());
    }

    @Test
    void rejectsSerialLogGoingBackInTime(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("serial.log");
        Files.writeString(f, "+0005.000 boot=1 | a\n+0004.000 boot=1 | b\n");
        ContractException e = assertThrows(ContractException.class, () -> ConsoleLog.read(f));
        assertEquals(ContractException.Code.LOG_MALFORMED, e.code());
        assertEquals(2, e.line());
        Files.writeString(f, "+0005.000 boot=2 | a\n+0006.000 boot=1 | b\n");
        assertEquals(2, assertThrows(ContractException.class, () -> ConsoleLog.read(f)).line());
    }

    @Test
    void missingLogIsUnreadable(@TempDir Path dir) {
        ContractException e = assertThrows(ContractException.class, () -> ConsoleLog.read(dir.resolve("none.log")));
        assertEquals(ContractException.Code.LOG_UNREADABLE, e.code());
        assertTrue(e.getMessage().startsWith("LOG_UNREADABLE: no such serial log: "), e.getMessage());
        assertEquals(ContractException.Code.LOG_UNREADABLE,
                assertThrows(ContractException.class, () -> ConsoleLog.read(dir)).code());
    }

    @Test
    void streamingReadStopsWhenTheSinkSaysSo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("serial.log");
        Files.writeString(f, "+0001.000 boot=1 | a\n+0002.000 boot=1 | b\n+0003.000 boot=1 | c\nnot read\n");
        List<String> seen = new java.util.ArrayList<>();
        int read = ConsoleLog.read(f, l -> {
            seen.add(l.text());
            return !l.text().equals("b");
        });
        assertEquals(2, read);
        assertEquals(List.of("a", "b"), seen);
    }

    @Test
    void bareCarriageReturnInsideASerialLogLineIsDropped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("serial.log");
        Files.writeString(f, "+0001.000 boot=1 | 10%\r100%\r\n");
        assertEquals(List.of(new ConsoleLine(Duration.ofSeconds(1), 1, "10%100%")), ConsoleLog.read(f));
    }

    @Test
    void emptyLogHasNoLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("empty.log");
        Files.writeString(f, "");
        assertEquals(List.of(), ConsoleLog.read(f));
    }

    @Test
    void consoleLineValidates() {
        assertThrows(IllegalArgumentException.class, () -> new ConsoleLine(Duration.ofMillis(-1), 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleLine(Duration.ZERO, -1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleLine(Duration.ZERO, 1, "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleLine(Duration.ZERO, 1, "a\rb"));
        assertEquals("50%100% done", ConsoleLine.clean("50%\r100% done\r\n"));
        assertEquals("+41.2s", new ConsoleLine(Duration.ofMillis(41_290), 1, "x").shortTime());
        assertEquals("+?", new ConsoleLine(null, 1, "x").shortTime());
    }

    @Test
    void aLineLongerThanTheLimitIsMalformedWithItsNumber(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("serial.log");
        try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            out.write("OpenSBI v1.1\nfirst\n");
            out.write("x".repeat(ConsoleLog.MAX_LINE_CHARS + 1));
        }
        ContractException e = assertThrows(ContractException.class, () -> ConsoleLog.read(log));
        assertEquals(ContractException.Code.LOG_MALFORMED, e.code());
        assertEquals(3, e.line());
        assertEquals("LOG_MALFORMED: " + log + ":3: a line longer than " + ConsoleLog.MAX_LINE_CHARS
                + " characters (no line feed): not a console log", e.getMessage());
        Files.writeString(log, "x".repeat(ConsoleLog.MAX_LINE_CHARS) + "\nlast");
        assertEquals(2, ConsoleLog.read(log).size(), "a line of exactly the limit is read");
    }
}
