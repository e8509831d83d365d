package io.trialboot.markers.check;

import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.StepResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code markers summary}: the end of a CI run on one screen. The JUnit totals per module (from the
 * Surefire and Failsafe XML reports), then the contract gate: every built-in contract a QEMU run
 * awaited (its run directory's {@value AwaitRecord#FILE}) re-checked offline over its serial.log,
 * with steps met, the three slowest steps and their margins, and the timeout scale; one JUnit XML
 * file per re-check. Exit status {@value MarkersCheck#HOLDS} when every re-checked contract holds,
 * {@value MarkersCheck#NOT_MET} when one does not, {@value MarkersCheck#USAGE} when the input cannot be
 * used: a run's {@value AwaitRecord#FILE} unreadable or with a malformed line (its valid awaits are
 * still re-checked), the runs or reports directory missing, or neither a record nor a report to check.
 */
final class CiSummary {
    static final String USAGE_TEXT = """
            usage: markers summary [--runs DIR] [--reports ROOT] [--junit-dir DIR]
              --runs DIR       the QEMU run directories (default harness/target/qemu-runs)
              --reports ROOT   the Maven project whose <module>/target/{surefire,failsafe}-reports are totalled (default .)
              --junit-dir DIR  where one JUnit XML per re-checked contract goes (default target/contract-reports)""";

    private static final int SLOWEST = 3;
    private static final int LABEL = 44;
    /** A run directory of a later attempt of the same test method: {@code <method>-<n>}, n >= 2. */
    private static final Pattern ATTEMPT = Pattern.compile("(.+)-([2-9]|[1-9][0-9]+)");

    private CiSummary() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path runs = Path.of("harness/target/qemu-runs");
        Path reports = Path.of(".");
        Path junitDir = Path.of("target/contract-reports");
        for (int i = 0; i < args.size(); i += 2) {
            String a = args.get(i);
            if (!List.of("--runs", "--reports", "--junit-dir").contains(a)) {
                return usage(err, "unknown argument '" + a + "'");
            }
            if (i + 1 >= args.size()) {
                return usage(err, a + " needs a value");
            }
            Path v = Path.of(args.get(i + 1));
            switch (a) {
                case "--runs" -> runs = v;
                case "--reports" -> reports = v;
                default -> junitDir = v;
            }
        }
        for (Path dir : List.of(runs, reports)) {
            if (!Files.isDirectory(dir)) {
                return MarkersCheck.unusable(err, "summary", "no such directory " + dir.toAbsolutePath().normalize()
                        + " (" + (dir == runs ? "--runs" : "--reports") + "): run it from the project's root after mvn verify, or name the directory");
            }
        }
        try {
            Map<String, JunitTotals> totals = JunitTotals.byModule(reports);
            List<Path> records = recordFiles(runs);
            if (records.isEmpty() && totals.isEmpty()) {
                return MarkersCheck.unusable(err, "summary", ContractException.Code.NOTHING_TO_CHECK, "no " + AwaitRecord.FILE + " under "
                        + runs.toAbsolutePath().normalize() + " and no Surefire or Failsafe reports under " + reports.toAbsolutePath().normalize());
            }
            JunitTotals.print(reports, totals, out);
            return gate(runs, records, junitDir, out);
        } catch (UncheckedIOException e) {
            return MarkersCheck.unusable(err, "summary", "cannot read the runs or reports, or write the JUnit XML: "
                    + MarkersCheck.ioProblem(e.getCause()));
        }
    }

    /** Re-checks every recorded built-in contract ({@code records}, under {@code runs}); prints one block per run. */
    private static int gate(Path runs, List<Path> records, Path junitDir, PrintStream out) {
        if (records.isEmpty()) {
            out.println("contract gate: no " + AwaitRecord.FILE + " under " + runs.toAbsolutePath().normalize()
                    + " (no QEMU run recorded an await): nothing to re-check");
            return MarkersCheck.HOLDS;
        }
        TreeSet<String> scales = new TreeSet<>();
        int checked = 0;
        int failed = 0;
        int inline = 0;
        int flaky = 0;
        int malformed = 0;
        List<String> lines = new ArrayList<>();
        Map<Path, Path> retriedBy = retries(records.stream().map(Path::getParent).toList());
        for (Path file : records) {
            Path runDir = file.getParent();
            String run = runs.relativize(runDir).toString();
            Path retry = retriedBy.get(runDir);
            if (retry != null) {
                flaky++;
                lines.add("  FLAKY " + run + ": an attempt Failsafe ran again as " + runs.relativize(retry)
                        + " (its outcome is the test's); this attempt's awaits: " + outcomes(file));
                continue;
            }
            AwaitRecord.Lines read;
            try {
                read = AwaitRecord.readLines(file);
            } catch (ContractException e) {
                read = new AwaitRecord.Lines(List.of(), List.of(e));
            }
            for (ContractException e : read.malformed()) {
                lines.add("  BAD   " + run + ": " + e.getMessage());
                malformed++;
            }
            List<AwaitRecord> awaits = read.records();
            int n = 0;
            int live = 0;
            int liveFailed = 0;
            for (AwaitRecord a : awaits) {
                n++;
                scales.add(MarkersCheck.scaleText(a.scale()));
                if (!a.builtIn() || !a.met()) {
                    // An inline contract has no file to re-check; a built-in one that failed live is the
                    // test's to judge (PowerCutContainerIT expects its cut to fail one): JUnit says.
                    live++;
                    if (!a.met()) liveFailed++;
                    continue;
                }
                checked++;
                ContractMatcher m;
                try {
                    m = a.recheck(runDir.resolve("serial.log"));
                } catch (ContractException e) {
                    lines.add("  FAIL  " + run + "  " + a.contract() + ": cannot re-check: " + e.getMessage());
                    failed++;
                    continue;
                }
                writeJunit(junitDir, run, n, m, runDir.resolve("serial.log"));
                String steps = m.results().size() + "/" + m.contract().steps().size() + " steps";
                if (m.passed()) {
                    lines.add("  ok    " + run + "  " + a.contract() + " " + steps + ", slowest: " + slowest(m));
                } else {
                    failed++;
                    lines.add("  FAIL  " + run + "  " + a.contract() + " " + steps + ": " + m.failure().orElseThrow().summary());
                    Path timeline = runDir.resolve("timeline.html");
                    if (Files.exists(timeline)) lines.add("        timeline: " + timeline.toAbsolutePath().normalize().toUri());
                }
            }
            inline += live;
            if (live > 0) {
                lines.add("  live  " + run + "  " + live + " await(s) checked live only (inline, or failed live): "
                        + (live - liveFailed) + " met, " + liveFailed + " failed (as the test expected, or its JUnit result says)");
            }
        }
        out.println("contract gate: markers check over " + records.size() + (records.size() == 1 ? " QEMU run's" : " QEMU runs'")
                + " serial.log, timeout scale " + String.join(", ", scales) + "; JUnit XML in " + junitDir);
        lines.forEach(out::println);
        out.println("contract gate: " + checked + " built-in contract(s) re-checked: " + (checked - failed) + " hold, "
                + failed + " failed; " + inline + " await(s) checked live only"
                + (flaky == 0 ? "" : "; " + flaky + " FLAKY run(s) superseded by a rerun")
                + (malformed == 0 ? "" : "; " + malformed + " " + AwaitRecord.FILE + " line(s) unusable (BAD above): exit "
                        + MarkersCheck.USAGE));
        return malformed > 0 ? MarkersCheck.USAGE : failed == 0 ? MarkersCheck.HOLDS : MarkersCheck.NOT_MET;
    }

    /**
     * The run directories a later attempt of the same test superseded: the harness names the
     * second run of a test method in one JVM {@code <method>-2}, the third {@code <method>-3}, and
     * Failsafe's rerun of a failed test is such a run. Maps each earlier attempt to the last one.
     */
    static Map<Path, Path> retries(List<Path> runDirs) {
        Map<Path, TreeMap<Integer, Path>> attempts = new TreeMap<>();
        for (Path d : runDirs) {
            Matcher m = ATTEMPT.matcher(d.getFileName().toString());
            if (m.matches() && runDirs.contains(d.resolveSibling(m.group(1)))) {
                attempts.computeIfAbsent(d.resolveSibling(m.group(1)), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), d);
            }
        }
        Map<Path, Path> retried = new TreeMap<>();
        attempts.forEach((first, later) -> {
            Path last = later.lastEntry().getValue();
            retried.put(first, last);
            later.headMap(later.lastKey()).values().forEach(d -> retried.put(d, last));
        });
        return retried;
    }

    private static String outcomes(Path recordFile) {
        try {
            return AwaitRecord.read(recordFile).stream().map(a -> a.contract() + " " + (a.met() ? "met" : "FAILED"))
                    .reduce((x, y) -> x + ", " + y).orElse("none");
        } catch (ContractException e) {
            return e.getMessage();
        }
    }

    /** The {@value #SLOWEST} steps that took longest, each with its time against its scaled timeout. */
    static String slowest(ContractMatcher m) {
        List<StepResult> timed = m.results().stream().filter(r -> r.waited() != null)
                .sorted(Comparator.comparing(StepResult::waited).reversed()).limit(SLOWEST).toList();
        if (timed.isEmpty()) return "times unknown (raw console capture)";
        List<String> parts = new ArrayList<>();
        for (StepResult r : timed) {
            parts.add("#" + r.step().number() + " '" + shorten(r.step().pattern().describe(m.captures())) + "' "
                    + MarkersCheck.seconds(r.waited()) + " of " + MarkersCheck.seconds(r.allowed())
                    + " (margin " + MarkersCheck.seconds(r.margin().orElse(Duration.ZERO)) + ")");
        }
        return String.join("; ", parts);
    }

    private static String shorten(String s) {
        return s.length() <= LABEL ? s : s.substring(0, LABEL - 3) + "...";
    }

    private static void writeJunit(Path dir, String run, int n, ContractMatcher m, Path log) {
        String suite = "contract." + run.replace('/', '.') + "." + m.contract().name();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("TEST-" + suite + "-" + n + ".xml"), JunitXml.render(m, log.toString(), suite));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> recordFiles(Path runs) {
        if (!Files.isDirectory(runs)) return List.of();
        try (Stream<Path> s = Files.walk(runs)) {
            return s.filter(p -> p.getFileName().toString().equals(AwaitRecord.FILE)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("markers summary: " + problem);
        err.println(USAGE_TEXT);
        return MarkersCheck.USAGE;
    }
}
