package io.trialboot.markers.check;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One contract a QEMU run awaited, as the harness records it in the run directory's
 * {@value #FILE} (one line per await) so the CI gate can re-check the saved serial.log against the
 * same contract, from the same console line, with the same timeout scale:
 *
 * <pre>from-line=0 from-ms=312 until-ms=9730 scale=1 source=built-in outcome=met steps=4/4 contract=first-boot</pre>
 *
 * @param fromLine index (0-based) of the first serial.log line the await read
 * @param fromMs when the await started, in ms since the run started: its first step's timeout counts from here
 * @param untilMs when the await ended, in ms since the run started, or -1 when not recorded (records
 *     written before it was): a console silent until then was still running, not ended, so a step
 *     whose timeout ran out in that silence fails by its timeout offline too
 * @param scale the timeout scale it ran with
 * @param builtIn whether the contract is a built-in one ({@link Contract#builtIn}), which the gate can re-check;
 *     an inline contract is known only by its live outcome
 * @param met whether the contract was met live
 * @param stepsMet steps met live
 * @param steps the contract's steps
 * @param contract the contract's name
 */
public record AwaitRecord(int fromLine, long fromMs, long untilMs, double scale, boolean builtIn, boolean met,
        int stepsMet, int steps, String contract) {
    /** The file in a run directory that holds the records. */
    public static final String FILE = "contracts.txt";
    /**
     * The live report of the run directory's last failed await, beside {@value #FILE}: the matcher's
     * report, then a line beginning {@value #LIVENESS} that says how QEMU stood (running, where its
     * vCPUs were; or its exit), which serial.log alone cannot tell.
     */
    public static final String LIVE_REPORT = "contract-report.txt";
    /** How the live report's liveness line begins. */
    public static final String LIVENESS = "QEMU ";

    private static final Pattern FORM = Pattern.compile("from-line=(\\d{1,9}) from-ms=(\\d{1,15})(?: until-ms=(\\d{1,15}))?"
            + " scale=([0-9.]{1,20}) "
            + "source=(built-in|inline) outcome=(met|failed) steps=(\\d{1,6})/(\\d{1,6}) contract=(\\S.*)");

    public AwaitRecord {
        Objects.requireNonNull(contract, "contract");
        if (fromLine < 0 || fromMs < 0 || (untilMs != -1 && untilMs < fromMs) || !(scale > 0 && scale <= 1000)
                || steps < 1 || stepsMet < 0 || stepsMet > steps
                || met != (stepsMet == steps) || contract.isBlank() || contract.contains("\n")) {
            throw new IllegalArgumentException("inconsistent await record: from-line=" + fromLine + " from-ms=" + fromMs
                    + " until-ms=" + untilMs + " scale=" + scale + " steps=" + stepsMet + "/" + steps + " met=" + met + " contract=" + contract);
        }
    }

    /**
     * The record of an await that started at {@code fromLine}/{@code fromMs}, ended at {@code untilMs}
     * and ended as {@code matcher} says.
     */
    public static AwaitRecord of(ContractMatcher matcher, int fromLine, long fromMs, long untilMs, double scale) {
        Contract c = matcher.contract();
        return new AwaitRecord(fromLine, fromMs, untilMs, scale, isBuiltIn(c), matcher.passed(), matcher.results().size(),
                c.steps().size(), c.name());
    }

    /** Whether {@code c} is exactly the built-in contract of its name. */
    static boolean isBuiltIn(Contract c) {
        try {
            return Contract.builtIn(c.name()).equals(c);
        } catch (ContractException e) {
            return false; // no built-in of that name: an inline contract
        }
    }

    /**
     * Checks {@code serialLog} against this record's built-in contract offline, the way the await ran
     * live: from line {@link #fromLine}, with times counted from {@link #fromMs} (earlier lines count
     * as arriving then), and the same scale. The log's end is the console's end only after
     * {@link #untilMs}: a guest silent until a step's timeout ran out live (QEMU still running, a
     * stall) fails by that timeout here too, not as a console that ended when its last line came.
     *
     * @throws IllegalStateException for an inline contract, which only the test that wrote it knows
     * @throws ContractException when the log cannot be read or is malformed
     */
    public ContractMatcher recheck(Path serialLog) {
        if (!builtIn) throw new IllegalStateException("contract '" + contract + "' is inline: no file to re-check it with");
        ContractMatcher matcher = new ContractMatcher(Contract.builtIn(contract), scale);
        Duration start = Duration.ofMillis(fromMs);
        int[] index = {0};
        ConsoleLog.read(serialLog, line -> {
            if (index[0]++ < fromLine) return true;
            Duration at = line.at() == null ? null : line.at().minus(start);
            matcher.offer(new ConsoleLine(at == null || !at.isNegative() ? at : Duration.ZERO, line.boot(), line.text()));
            return !matcher.done();
        });
        if (untilMs >= 0) matcher.checkTime(Duration.ofMillis(untilMs - fromMs));
        matcher.endOfInput();
        return matcher;
    }

    /** The record's line in {@value #FILE}. */
    public String format() {
        return "from-line=" + fromLine + " from-ms=" + fromMs + (untilMs < 0 ? "" : " until-ms=" + untilMs)
                + " scale=" + MarkersCheck.scaleText(scale)
                + " source=" + (builtIn ? "built-in" : "inline") + " outcome=" + (met ? "met" : "failed")
                + " steps=" + stepsMet + "/" + steps + " contract=" + contract;
    }

    /**
     * Parses one line of {@value #FILE}.
     *
     * @throws ContractException {@code RUN_RECORD_MALFORMED} when the line is not in the form
     */
    public static AwaitRecord parse(String line, String source, int number) {
        Matcher m = FORM.matcher(line);
        if (m.matches()) {
            try {
                return new AwaitRecord(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                        m.group(3) == null ? -1 : Long.parseLong(m.group(3)), Double.parseDouble(m.group(4)),
                        m.group(5).equals("built-in"), m.group(6).equals("met"), Integer.parseInt(m.group(7)),
                        Integer.parseInt(m.group(8)), m.group(9));
            } catch (IllegalArgumentException e) {
                throw new ContractException(ContractException.Code.RUN_RECORD_MALFORMED, number,
                        source + ":" + number + ": " + e.getMessage());
            }
        }
        throw new ContractException(ContractException.Code.RUN_RECORD_MALFORMED, number, source + ":" + number
                + ": not 'from-line=N from-ms=N [until-ms=N] scale=F source=built-in|inline outcome=met|failed steps=N/N contract=NAME': '"
                + line + "'");
    }

    /**
     * A run directory's {@value #FILE} as far as it parses: its well-formed records, and one
     * {@code RUN_RECORD_MALFORMED} per line that is not (naming the file and the line).
     */
    public record Lines(List<AwaitRecord> records, List<ContractException> malformed) {}

    /**
     * Reads a run directory's {@value #FILE}.
     *
     * @throws ContractException {@code LOG_UNREADABLE} when it cannot be read, {@code RUN_RECORD_MALFORMED}
     */
    public static List<AwaitRecord> read(Path file) {
        Lines lines = readLines(file);
        if (!lines.malformed().isEmpty()) throw lines.malformed().get(0);
        return lines.records();
    }

    /**
     * Reads a run directory's {@value #FILE}, keeping the well-formed records beside the malformed lines.
     *
     * @throws ContractException {@code LOG_UNREADABLE} when it cannot be read
     */
    public static Lines readLines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE, "no such run record: " + file, e);
        } catch (IOException e) {
            throw new ContractException(ContractException.Code.LOG_UNREADABLE, "cannot read run record " + file + ": " + e, e);
        }
        List<AwaitRecord> records = new ArrayList<>();
        List<ContractException> malformed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                records.add(parse(lines.get(i), file.toString(), i + 1));
            } catch (ContractException e) {
                malformed.add(e);
            }
        }
        return new Lines(List.copyOf(records), List.copyOf(malformed));
    }
}
