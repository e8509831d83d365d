package io.trialboot.markers.check;

import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.StepResult;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * {@code markers summary}: the end of a CI run on one screen. The JUnit totals per module (from the
 * Surefire and Failsafe XML reports), then the contract gate: every built-in contract a QEMU run
 * awaited (its run directory's {@value AwaitRecord#FILE}) re-checked offline over its serial.log,
 * with steps met, the three slowest steps and their margins, and the timeout scale; one JUnit XML
 * file per re-check. Exit status {@value MarkersCheck#HOLDS} when every re-checked contract holds,
 * {@value MarkersCheck#NOT_MET} otherwise.
 */
final class CiSummary {
    static final String USAGE_TEXT = """
            usage: markers summary [--runs DIR] [--reports ROOT] [--junit-dir DIR]
              --runs DIR       the QEMU run directories (default harness/target/qemu-runs)
              --reports ROOT   the Maven project whose <module>/target/{surefire,failsafe}-reports are totalled (default .)
              --junit-dir DIR  where one JUnit XML per re-checked contract goes (default target/contract-reports)""";

    private static final int SLOWEST = 3;
    private static final int LABEL = 44;

    private CiSummary() {
    }

    /** JUnit totals of one module and plugin. */
    record Totals(int tests, int failures, int errors, int skipped) {
        Totals plus(Totals o) {
            return new Totals(tests + o.tests, failures + o.failures, errors + o.errors, skipped + o.skipped);
        }

        @Override
        public String toString() {
            return String.format("%4d run %3d failed %3d errors %3d skipped", tests, failures, errors, skipped);
        }
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
        try {
            printTotals(reports, out);
            return gate(runs, junitDir, out);
        } catch (UncheckedIOException e) {
            err.println("markers summary: " + e.getCause());
            return MarkersCheck.USAGE;
        }
    }

    /** Totals per module and plugin, then the sum. */
    static void printTotals(Path root, PrintStream out) {
        Map<String, Totals> byModule = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                for (String plugin : List.of("surefire", "failsafe")) {
                    Path dir = module.resolve("target").resolve(plugin + "-reports");
                    if (!Files.isDirectory(dir)) continue;
                    Totals t = new Totals(0, 0, 0, 0);
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                            t = t.plus(suiteTotals(f));
                        }
                    }
                    byModule.put(module.getFileName() + (plugin.equals("surefire") ? "  unit (*Test)" : "  QEMU (*IT) "), t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("tests per module:");
        if (byModule.isEmpty()) {
            out.println("  no Surefire or Failsafe reports under " + root.toAbsolutePath().normalize());
            return;
        }
        Totals sum = new Totals(0, 0, 0, 0);
        int width = byModule.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Totals> e : byModule.entrySet()) {
            out.println("  " + pad(e.getKey(), width) + " " + e.getValue());
            sum = sum.plus(e.getValue());
        }
        out.println("  " + pad("total", width) + " " + sum);
    }

    /** The counts on a JUnit XML report's root {@code testsuite} element. */
    static Totals suiteTotals(Path report) {
        try (InputStream in = Files.newInputStream(report)) {
            XMLInputFactory f = XMLInputFactory.newFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            XMLStreamReader r = f.createXMLStreamReader(in);
            while (r.hasNext() && r.next() != XMLStreamReader.START_ELEMENT) {
                // skip the prolog
            }
            if (!r.isStartElement() || !r.getLocalName().equals("testsuite")) {
                throw new IOException(report + ": no <testsuite> root element");
            }
            return new Totals(count(r, "tests"), count(r, "failures"), count(r, "errors"), count(r, "skipped"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XMLStreamException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException(report + ": not a JUnit XML report: " + e.getMessage(), e));
        }
    }

    private static int count(XMLStreamReader r, String attribute) {
        String v = r.getAttributeValue(null, attribute);
        return v == null ? 0 : Integer.parseInt(v.trim());
    }

    /** Re-checks every recorded built-in contract; prints one block per run. */
    static int gate(Path runs, Path junitDir, PrintStream out) {
        List<Path> records = recordFiles(runs);
        if (records.isEmpty()) {
            out.println("contract gate: no " + AwaitRecord.FILE + " under " + runs.toAbsolutePath().normalize()
                    + " (no QEMU run recorded an await): nothing to re-check");
            return MarkersCheck.HOLDS;
        }
        TreeSet<String> scales = new TreeSet<>();
        int checked = 0;
        int failed = 0;
        int inline = 0;
        List<String> lines = new ArrayList<>();
        for (Path file : records) {
            Path runDir = file.getParent();
            String run = runs.relativize(runDir).toString();
            List<AwaitRecord> awaits;
            try {
                awaits = AwaitRecord.read(file);
            } catch (ContractException e) {
                lines.add("  FAIL  " + run + ": " + e.getMessage());
                failed++;
                continue;
            }
            int n = 0;
            int live = 0;
            int liveFailed = 0;
            for (AwaitRecord a : awaits) {
                n++;
                scales.add(MarkersCheck.scaleText(a.scale()));
                if (!a.builtIn()) {
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
                lines.add("  live  " + run + "  " + live + " inline await(s) checked live only: "
                        + (live - liveFailed) + " met, " + liveFailed + " failed (as the test expected, or its JUnit result says)");
            }
        }
        out.println("contract gate: markers check over " + records.size() + " QEMU runs' serial.log, timeout scale "
                + String.join(", ", scales) + "; JUnit XML in " + junitDir);
        lines.forEach(out::println);
        out.println("contract gate: " + checked + " built-in contract(s) re-checked: " + (checked - failed) + " hold, "
                + failed + " failed; " + inline + " inline await(s) not re-checked");
        return failed == 0 ? MarkersCheck.HOLDS : MarkersCheck.NOT_MET;
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

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("markers summary: " + problem);
        err.println(USAGE_TEXT);
        return MarkersCheck.USAGE;
    }
}
