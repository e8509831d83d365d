package io.trialboot.markers.check;

import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.StepResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code markers flakiness <root>}: the table of a repeated contract run (scripts/flakiness). Each
 * {@code <root>/run-<n>/} is the run-directory root of one test run; the contract each recorded
 * (built-in, {@value AwaitRecord#FILE}) is re-checked over its serial.log, and the table says per
 * run whether it held, how long the contract took, and the slowest step with its margin against its
 * scaled timeout. {@code --out FILE} writes the Markdown section, {@code --docs FILE} also puts it
 * in place of that file's {@value #HEADING} section (appended when there is none).
 */
final class Flakiness {
    static final String HEADING = "## Flakiness";
    static final String USAGE_TEXT = """
            usage: markers flakiness <root> [--contract NAME] [--out FILE] [--docs FILE]
              <root>           holds run-1/, run-2/, ...: the run directories of one test run each
              --contract NAME  the built-in contract to tabulate (default ota-cycle)
              --out FILE       write the Markdown section to FILE
              --docs FILE      replace FILE's '## Flakiness' section with it (appended when absent)""";

    /**
     * One row: a run, its first attempt's re-checked contract (empty when the run recorded none), the
     * scale it ran with, how many attempts recorded the contract (more than one when a rerun setting
     * ran a failed test again; only the first counts), and for a failed first attempt how QEMU stood
     * when it failed, from its live report (empty when there is none).
     */
    record Row(String run, Optional<ContractMatcher> matcher, String problem, Optional<Double> scale, int attempts,
            String liveness) {
    }

    /** A rerun's run directory is the first attempt's name plus {@code -2}, {@code -3}, … (QemuVmExtension). */
    private static final Pattern RERUN_DIR = Pattern.compile(".*-(\\d{1,4})");

    private Flakiness() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("--")) return usage(err, "need the root of the runs");
        Path root = Path.of(args.get(0));
        String contract = "ota-cycle";
        Path outFile = null;
        Path docs = null;
        for (int i = 1; i < args.size(); i += 2) {
            String a = args.get(i);
            if (!List.of("--contract", "--out", "--docs").contains(a)) return usage(err, "unknown argument '" + a + "'");
            if (i + 1 >= args.size()) return usage(err, a + " needs a value");
            String v = args.get(i + 1);
            switch (a) {
                case "--contract" -> contract = v;
                case "--out" -> outFile = Path.of(v);
                default -> docs = Path.of(v);
            }
        }
        String none = " (scripts/flakiness N makes them)";
        if (!Files.isDirectory(root)) {
            return MarkersCheck.unusable(err, "flakiness", "no such directory " + root.toAbsolutePath().normalize() + none);
        }
        List<Row> rows;
        try {
            rows = rows(root, contract);
        } catch (UncheckedIOException e) {
            return MarkersCheck.unusable(err, "flakiness", "cannot read the runs under " + root + ": " + MarkersCheck.ioProblem(e.getCause()));
        }
        if (rows.isEmpty()) {
            return MarkersCheck.unusable(err, "flakiness", ContractException.Code.NOTHING_TO_CHECK, "no run-<n> directories under " + root.toAbsolutePath().normalize() + none);
        }
        String section = markdown(contract, rows);
        out.print(section);
        try {
            if (outFile != null) {
                Files.createDirectories(outFile.toAbsolutePath().getParent());
                Files.writeString(outFile, section, StandardCharsets.UTF_8);
            }
            if (docs != null) {
                String old = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "";
                Files.writeString(docs, replaceSection(old, section), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("markers flakiness: cannot write the table: " + MarkersCheck.ioProblem(e));
            return MarkersCheck.USAGE;
        }
        return rows.stream().allMatch(r -> r.matcher().map(ContractMatcher::passed).orElse(false))
                ? MarkersCheck.HOLDS : MarkersCheck.NOT_MET;
    }

    /** One row per {@code run-<n>} directory, in run order. */
    static List<Row> rows(Path root, String contract) {
        List<Path> runs;
        try (Stream<Path> s = Files.list(root)) {
            runs = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("run-\\d{1,6}"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(4)))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Row> rows = new ArrayList<>();
        for (Path run : runs) {
            String name = run.getFileName().toString().substring(4);
            try (Stream<Path> s = Files.walk(run)) {
                List<Path> records = s.filter(p -> p.getFileName().toString().equals(AwaitRecord.FILE))
                        .sorted(Comparator.comparingInt(Flakiness::attempt).thenComparing(Comparator.naturalOrder())).toList();
                List<Map.Entry<Path, AwaitRecord>> awaits = new ArrayList<>();
                for (Path f : records) {
                    AwaitRecord.read(f).stream().filter(a -> a.builtIn() && a.contract().equals(contract)).findFirst()
                            .ifPresent(a -> awaits.add(Map.entry(f, a)));
                }
                if (awaits.isEmpty()) {
                    rows.add(new Row(name, Optional.empty(), "no await of '" + contract + "' recorded (QEMU never got that far)",
                            Optional.empty(), 0, ""));
                } else {
                    Map.Entry<Path, AwaitRecord> first = awaits.get(0);
                    ContractMatcher m = first.getValue().recheck(first.getKey().resolveSibling("serial.log"));
                    rows.add(new Row(name, Optional.of(m), "", Optional.of(first.getValue().scale()), awaits.size(),
                            m.passed() ? "" : liveness(first.getKey().resolveSibling(AwaitRecord.LIVE_REPORT))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ContractException e) {
                rows.add(new Row(name, Optional.empty(), e.getMessage(), Optional.empty(), 0, ""));
            }
        }
        return rows;
    }

    /**
     * The live report's line saying how QEMU stood when the await failed, or "" when there is no
     * report: serial.log ends where the guest went silent, so only this tells a stall (QEMU running,
     * the vCPUs where they were) from a QEMU that exited.
     */
    private static String liveness(Path liveReport) throws IOException {
        if (!Files.isRegularFile(liveReport)) return "";
        try (Stream<String> lines = Files.lines(liveReport, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith(AwaitRecord.LIVENESS)).findFirst().orElse("");
        }
    }

    /** 1 for a first attempt's record, n for one under a rerun's {@code <name>-n} directory. */
    private static int attempt(Path record) {
        Matcher m = RERUN_DIR.matcher(record.getParent().getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 1;
    }

    static String markdown(String contract, List<Row> rows) {
        long passed = rows.stream().filter(r -> r.matcher().map(ContractMatcher::passed).orElse(false)).count();
        StringBuilder sb = new StringBuilder(HEADING).append("\n\n");
        sb.append("`scripts/flakiness ").append(rows.size()).append("`: the `").append(contract).append("` contract ")
                .append(rows.size()).append(" times in a row, each on a fresh overlay: **").append(passed).append(" of ")
                .append(rows.size()).append(" passed**, timeout scale ")
                .append(String.join(", ", rows.stream().flatMap(r -> r.scale().stream()).map(MarkersCheck::scaleText).distinct().toList()))
                .append('.');
        rows.stream().flatMap(r -> r.matcher().stream()).flatMap(m -> m.results().stream()).filter(r -> r.margin().isPresent())
                .max(Comparator.comparingDouble(r -> r.waited().toMillis() / (double) Math.max(1, r.allowed().toMillis())))
                .ifPresent(r -> sb.append(" Closest to its timeout in any run: ")
                        .append(describe(r)).append('.'));
        sb.append("\n\n| run | result | contract time | slowest step | taken of allowed | margin |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            if (r.matcher().isEmpty()) {
                sb.append("| ").append(r.run()).append(" | no result | | ").append(cell(r.problem())).append(" | | |\n");
                continue;
            }
            ContractMatcher m = r.matcher().get();
            List<StepResult> results = m.results();
            String result = (m.passed() ? "pass" : "FAIL: " + cell(m.failure().orElseThrow().summary())
                    + (r.liveness().isEmpty() ? "" : "; live: " + cell(r.liveness())))
                    + (r.attempts() > 1 ? " (first of " + r.attempts() + " attempts: a rerun setting ran it again; only the first counts)" : "");
            String time = results.isEmpty() || results.get(results.size() - 1).line().at() == null ? ""
                    : MarkersCheck.seconds(results.get(results.size() - 1).line().at());
            Optional<StepResult> slowest = results.stream().filter(x -> x.waited() != null).max(Comparator.comparing(StepResult::waited));
            sb.append("| ").append(r.run()).append(" | ").append(result).append(" | ").append(time).append(" | ");
            if (slowest.isPresent()) {
                StepResult s = slowest.get();
                sb.append("#").append(s.step().number()).append(" `").append(cell(s.step().pattern().describe(m.captures())))
                        .append("` | ").append(MarkersCheck.seconds(s.waited())).append(" of ").append(MarkersCheck.seconds(s.allowed()))
                        .append(" | ").append(MarkersCheck.seconds(s.margin().orElseThrow())).append(" |\n");
            } else {
                sb.append(" | | |\n");
            }
        }
        return sb.toString();
    }

    private static String describe(StepResult r) {
        return "step " + r.step().number() + " took " + MarkersCheck.seconds(r.waited()) + " of "
                + MarkersCheck.seconds(r.allowed()) + " (margin " + MarkersCheck.seconds(r.margin().orElse(Duration.ZERO)) + ")";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** {@code doc} with its {@value #HEADING} section (up to the next {@code ## } heading) replaced by {@code section}. */
    static String replaceSection(String doc, String section) {
        int start = doc.startsWith(HEADING + "\n") ? 0 : doc.indexOf("\n" + HEADING + "\n");
        if (start < 0) {
            return doc.isEmpty() ? section : doc + (doc.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        if (start > 0) start++;
        int end = doc.indexOf("\n## ", start + HEADING.length());
        return doc.substring(0, start) + section + (end < 0 ? "" : "\n" + doc.substring(end + 1));
    }

    private static int usage(PrintStream err, String problem) {
        err.println("markers flakiness: " + problem);
        err.println(USAGE_TEXT);
        return MarkersCheck.USAGE;
    }
}
