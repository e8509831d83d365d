package io.trialboot.markers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code serial.log} line format the harness writes and the CI gate reads:
 * {@code +0012.345 boot=2 | text} (seconds since the run started with millisecond precision, at
 * least four integer digits; the boot index; the console text as it arrived).
 */
public final class ConsoleLog {
    /** The longest line read (a console line is a screen line; 1 Mi characters is no console). */
    public static final int MAX_LINE_CHARS = 1 << 20;

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
     * Reads a serial.log whole: see {@link #read(Path, Predicate)}.
     */
    public static List<ConsoleLine> read(Path serialLog) {
        List<ConsoleLine> lines = new ArrayList<>();
        read(serialLog, lines::add);
        return lines;
    }

    /**
     * Streams a serial.log to {@code sink}, line by line, until the file ends or {@code sink}
     * returns false; returns the number of lines read. A file whose first line is not in the
     * serial.log form is taken as a raw console capture: every line is text, boots are counted
     * from the firmware banner ({@link BootBoundary}) and times are unknown. Lines end at LF;
     * carriage returns are dropped ({@link ConsoleLine#clean}); bytes that are not UTF-8 become
     * U+FFFD.
     *
     * @throws ContractException {@code LOG_UNREADABLE} when the file cannot be read,
     *     {@code LOG_MALFORMED} (with the line number) when a serial.log line is broken or goes
     *     back in time or boot, or a line is longer than {@value #MAX_LINE_CHARS} characters
     */
    public static int read(Path serialLog, Predicate<ConsoleLine> sink) {
        try (Reader reader = new InputStreamReader(Files.newInputStream(serialLog), StandardCharsets.UTF_8)) {
            Lines in = new Lines(reader, serialLog);
            Boolean prefixed = null;
            ConsoleLine prev = null;
            int boot = 0;
            int number = 0;
            for (String s = in.next(); s != null; s = in.next()) {
                number++;
                ConsoleLine line;
                if (prefixed == null) {
                    prefixed = tryParse(s) != null;
                }
                if (prefixed) {
                    line = checkedNext(serialLog, number, s, prev);
                } else {
                    if (BootBoundary.startsNewBoot(s)) {
                        boot++;
                    }
                    line = new ConsoleLine(null, boot, s);
                }
                prev = line;
                if (!sink.test(line)) {
                    break;
                }
            }
            return number;
        } catch (NoSuchFileException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE, "no such serial log: " + serialLog, e);
        } catch (IOException | UncheckedIOException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE,
                    "cannot read serial log " + serialLog + ": " + e.getMessage(), e);
        }
    }

    /**
     * Splits text into lines ended by LF (or the end of the input), without carriage returns.
     * Unlike {@link BufferedReader#readLine} a bare CR does not end a line: console output uses it
     * to redraw a line, and a log line must stay one line.
     */
    private static final class Lines {
        private final Reader in;
        private final Path file;
        private int count;
        private final char[] buf = new char[1 << 16];
        private int pos;
        private int len;

        Lines(Reader in, Path file) {
            this.in = in;
            this.file = file;
        }

        /** The next line, or null at the end of the input. */
        String next() throws IOException {
            StringBuilder sb = null;
            while (true) {
                if (pos == len) {
                    len = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        if (sb == null) return null;
                        count++;
                        return sb.toString();
                    }
                }
                if (sb == null) {
                    sb = new StringBuilder(80);
                }
                int start = pos;
                while (pos < len && buf[pos] != '\n') {
                    pos++;
                }
                appendWithoutCr(sb, start, pos);
                if (sb.length() > MAX_LINE_CHARS) {
                    throw new ContractException(ContractException.Code.LOG_MALFORMED, count + 1, file + ":" + (count + 1)
                            + ": a line longer than " + MAX_LINE_CHARS + " characters (no line feed): not a console log");
                }
                if (pos < len) {
                    pos++; // the LF
                    count++;
                    return sb.toString();
                }
            }
        }

        private void appendWithoutCr(StringBuilder sb, int from, int to) {
            int run = from;
            for (int i = from; i < to; i++) {
                if (buf[i] == '\r') {
                    sb.append(buf, run, i - run);
                    run = i + 1;
                }
            }
            sb.append(buf, run, to - run);
        }
    }

    private static ConsoleLine checkedNext(Path file, int number, String s, ConsoleLine prev) {
        ConsoleLine l = tryParse(s);
        if (l == null) {
            throw new ContractException(ContractException.Code.LOG_MALFORMED, number,
                    file + ":" + number + ": not in the serial.log form (+SSSS.mmm boot=N | text): '" + s + "'");
        }
        if (prev != null && (l.boot() < prev.boot() || l.at().compareTo(prev.at()) < 0)) {
            throw new ContractException(ContractException.Code.LOG_MALFORMED, number,
                    file + ":" + number + ": goes back in time or boot after '" + format(prev) + "'");
        }
        return l;
    }
}
