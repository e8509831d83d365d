package io.trialboot.markers.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * JUnit totals of one module and plugin; {@code flaky} counts the tests that failed and then
 * passed when Failsafe ran them again (docs/testing.md, "Reruns and flakes").
 */
record JunitTotals(int tests, int failures, int errors, int skipped, int flaky) {
    static final JunitTotals NONE = new JunitTotals(0, 0, 0, 0, 0);

    JunitTotals plus(JunitTotals o) {
        return new JunitTotals(tests + o.tests, failures + o.failures, errors + o.errors, skipped + o.skipped, flaky + o.flaky);
    }

    @Override
    public String toString() {
        return String.format("%4d run %3d failed %3d errors %3d skipped", tests, failures, errors, skipped)
                + (flaky == 0 ? "" : String.format(" %3d FLAKY (passed on a rerun)", flaky));
    }

    /** The totals per module and plugin under {@code root}, printed, then the sum; false when there were none. */
    static boolean print(Path root, PrintStream out) {
        return print(root, byModule(root), out);
    }

    /** The totals per module and plugin under {@code root} ({@code <module>  unit (*Test)}, {@code ... QEMU (*IT) }). */
    static Map<String, JunitTotals> byModule(Path root) {
        Map<String, JunitTotals> byModule = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                for (String plugin : List.of("surefire", "failsafe")) {
                    Path dir = module.resolve("target").resolve(plugin + "-reports");
                    if (!Files.isDirectory(dir)) continue;
                    JunitTotals t = JunitTotals.NONE;
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
        return byModule;
    }

    /** {@code byModule} (of {@code root}) printed, then the sum; false when there were none. */
    static boolean print(Path root, Map<String, JunitTotals> byModule, PrintStream out) {
        out.println("tests per module:");
        if (byModule.isEmpty()) {
            out.println("  no Surefire or Failsafe reports under " + root.toAbsolutePath().normalize());
            return false;
        }
        JunitTotals sum = JunitTotals.NONE;
        int width = byModule.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, JunitTotals> e : byModule.entrySet()) {
            out.println("  " + CiSummary.pad(e.getKey(), width) + " " + e.getValue());
            sum = sum.plus(e.getValue());
        }
        out.println("  " + CiSummary.pad("total", width) + " " + sum);
        return true;
    }

    /** The counts on a JUnit XML report's root {@code testsuite} element. */
    static JunitTotals suiteTotals(Path report) {
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
            int tests = count(r, "tests");
            int failures = count(r, "failures");
            int errors = count(r, "errors");
            int skipped = count(r, "skipped");
            return new JunitTotals(tests, failures, errors, skipped, flakyTestcases(r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XMLStreamException | NumberFormatException e) {
            throw new UncheckedIOException(new IOException(report + ": not a JUnit XML report: " + e.getMessage(), e));
        }
    }

    /** The {@code testcase} elements that hold a {@code flakyFailure} or {@code flakyError}: passed on a rerun. */
    private static int flakyTestcases(XMLStreamReader r) throws XMLStreamException {
        int flaky = 0;
        boolean counted = false;
        while (r.hasNext()) {
            int event = r.next();
            if (event != XMLStreamReader.START_ELEMENT) continue;
            String name = r.getLocalName();
            if (name.equals("testcase")) {
                counted = false;
            } else if (!counted && (name.equals("flakyFailure") || name.equals("flakyError"))) {
                flaky++;
                counted = true;
            }
        }
        return flaky;
    }

    private static int count(XMLStreamReader r, String attribute) {
        String v = r.getAttributeValue(null, attribute);
        return v == null ? 0 : Integer.parseInt(v.trim());
    }
}
