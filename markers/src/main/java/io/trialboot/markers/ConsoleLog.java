package io.trialboot.markers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code serial.log} line format the harness writes and the CI gate reads:
 * {@code +0012.345 boot=2 | text} (seconds since the run started with millisecond precision, at
 * least four integer digits; the boot index; the console text as it arrived).
 */
public final class ConsoleLog {
    private static final Pattern LINE = Pattern.compile("\\+([0-9]{4,12})\\.([0-9]{3}) boot=(0|[1-9][0-9]{0,8}) \\| (.*)");

    private ConsoleLog() {
    }

    /** The serial.log form of a timed line. */
    public static String format(ConsoleLine l) {
        if (!l.timed()) {
            throw new IllegalArgumentException("a line without a time has no serial.log form: '" + l.text() + "'");
        }
        long ms = l.at().toMillis();
        return String.format("+%04d.%03d boot=%d | %s", ms / 1000, ms % 1000, l.boot(), l.text());
    }

    /**
     * Parses one serial.log line.
     *
     * @throws IllegalArgumentException when {@code line} is not in the serial.log form
     */
    public static ConsoleLine parse(String line) {
        ConsoleLine l = tryParse(line);
        if (l == null) {
            throw new IllegalArgumentException("not a serial.log line (+SSSS.mmm boot=N | text): '" + line + "'");
        }
        return l;
    }

    private static ConsoleLine tryParse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        Duration at = Duration.ofSeconds(Long.parseLong(m.group(1))).plusMillis(Integer.parseInt(m.group(2)));
        return new ConsoleLine(at, Integer.parseInt(m.group(3)), m.group(4));
    }

    /**
     * Reads a serial.log. A file whose first line is not in the serial.log form is taken as a raw
     * console capture: every line is text, boots are counted from the firmware banner
     * ({@link BootBoundary}) and times are unknown. Lines end at LF; carriage returns are dropped
     * ({@link ConsoleLine#clean}); bytes that are not UTF-8 become U+FFFD.
     *
     * @throws ContractException {@code LOG_UNREADABLE} when the file cannot be read,
     *     {@code LOG_MALFORMED} (with the line number) when a serial.log line is broken or goes
     *     back in time or boot
     */
    public static List<ConsoleLine> read(Path serialLog) {
        List<ConsoleLine> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(Files.newInputStream(serialLog), StandardCharsets.UTF_8))) {
            Boolean prefixed = null;
            int boot = 0;
            int number = 0;
            for (String s = nextLine(in); s != null; s = nextLine(in)) {
                number++;
                if (prefixed == null) {
                    prefixed = tryParse(s) != null;
                }
                if (prefixed) {
                    lines.add(checkedNext(serialLog, number, s, lines));
                } else {
                    if (BootBoundary.startsNewBoot(s)) {
                        boot++;
                    }
                    lines.add(new ConsoleLine(null, boot, s));
                }
            }
        } catch (NoSuchFileException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE, "no such serial log: " + serialLog, e);
        } catch (IOException | UncheckedIOException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE,
                    "cannot read serial log " + serialLog + ": " + e.getMessage(), e);
        }
        return lines;
    }

    /**
     * The next line ended by LF (or the end of the file), without carriage returns; null at the end.
     * Unlike {@link BufferedReader#readLine} a bare CR does not end a line: console output uses it
     * to redraw a line, and a log line must stay one line.
     */
    private static String nextLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder(80);
        int c = in.read();
        if (c < 0) {
            return null;
        }
        for (; c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static ConsoleLine checkedNext(Path file, int number, String s, List<ConsoleLine> before) {
        ConsoleLine l = tryParse(s);
        if (l == null) {
            throw new ContractException(ContractException.Code.LOG_MALFORMED, number,
                    file + ":" + number + ": not in the serial.log form (+SSSS.mmm boot=N | text): '" + s + "'");
        }
        if (!before.isEmpty()) {
            ConsoleLine prev = before.get(before.size() - 1);
            if (l.boot() < prev.boot() || l.at().compareTo(prev.at()) < 0) {
                throw new ContractException(ContractException.Code.LOG_MALFORMED, number,
                        file + ":" + number + ": goes back in time or boot after '" + format(prev) + "'");
            }
        }
        return l;
    }
}
