package io.trialboot.markers.check;

import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractException;
import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.Marker;
import io.trialboot.markers.StepResult;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The CI gate: {@code markers check <contract> <serial.log> [--scale F] [--junit-xml FILE]} checks a
 * saved console log against a contract, offline, with the same matcher the harness runs live.
 * {@code markers catalog} prints the marker catalog; {@code markers summary} is the CI gate over the QEMU
 * runs' saved logs ({@link CiSummary}); {@code markers flakiness} tabulates repeated runs ({@link Flakiness}).
 *
 * <p>Exit status: {@value #HOLDS} the contract holds; {@value #NOT_MET} it does not (the failure
 * report on stderr); {@value #USAGE} bad usage or unusable input (unreadable or malformed log or
 * contract, unwritable report).
 */
public final class MarkersCheck {
    public static final int HOLDS = 0;
    public static final int NOT_MET = 1;
    public static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: markers check <contract> <serial.log> [--scale F] [--junit-xml FILE]
                   markers catalog
                   markers summary [--runs DIR] [--reports ROOT] [--junit-dir DIR]   (the CI gate's summary)
                   markers flakiness <root> [--contract NAME] [--out FILE] [--docs FILE]
              <contract>   a contract file, or the name of a built-in one (first-boot, reboot-cycle, ...)
              <serial.log> the console log: '+SSSS.mmm boot=N | text' lines, or a raw console capture
              --scale F    multiply every step timeout by F (> 0, default 1)
              --junit-xml  also write one JUnit test case per step to FILE
            exit status: 0 contract holds, 1 contract not met, 2 usage or unusable input""";

    private MarkersCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs the command; returns the exit status instead of exiting. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() == 1 && args.get(0).equals("catalog")) {
            for (Marker m : Marker.values()) {
                out.println(m.name() + "\t" + m.template());
            }
            return HOLDS;
        }
        if (!args.isEmpty() && args.get(0).equals("summary")) {
            return CiSummary.run(args.subList(1, args.size()), out, err);
        }
        if (!args.isEmpty() && args.get(0).equals("flakiness")) {
            return Flakiness.run(args.subList(1, args.size()), out, err);
        }
        if (args.size() == 1 && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            out.println(USAGE_TEXT);
            return HOLDS;
        }
        if (args.isEmpty() || !args.get(0).equals("check")) {
            return usage(err, args.isEmpty() ? "no command" : "unknown command '" + args.get(0) + "'");
        }
        String contractArg = null;
        String logArg = null;
        double scale = 1.0;
        Path junitXml = null;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--scale") || a.equals("--junit-xml")) {
                if (i + 1 >= args.size()) {
                    return usage(err, a + " needs a value");
                }
                String v = args.get(++i);
                if (a.equals("--junit-xml")) {
                    try {
                        junitXml = Path.of(v);
                    } catch (InvalidPathException e) {
                        return usage(err, "--junit-xml: not a path: " + e.getMessage());
                    }
                    continue;
                }
                try {
                    scale = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    scale = Double.NaN;
                }
                if (!(scale > 0 && scale <= 1000)) {
                    return usage(err, "--scale '" + v + "' is not a number in (0, 1000]");
                }
            } else if (a.startsWith("--")) {
                return usage(err, "unknown option '" + a + "'");
            } else if (contractArg == null) {
                contractArg = a;
            } else if (logArg == null) {
                logArg = a;
            } else {
                return usage(err, "unexpected argument '" + a + "'");
            }
        }
        if (logArg == null) {
            return usage(err, "need a contract and a serial log");
        }
        ContractMatcher matcher;
        int lines;
        try {
            matcher = new ContractMatcher(contract(contractArg), scale);
            // Streamed, and read only as far as the contract needs.
            lines = ConsoleLog.read(Path.of(logArg), line -> {
                matcher.offer(line);
                return !matcher.done();
            });
        } catch (ContractException e) {
            err.println("markers check: " + e.getMessage());
            return USAGE;
        } catch (InvalidPathException e) {
            return usage(err, "not a path: " + e.getMessage());
        }
        matcher.endOfInput();
        if (junitXml != null) {
            try {
                Files.writeString(junitXml, JunitXml.render(matcher, logArg));
            } catch (IOException e) {
                err.println("markers check: cannot write JUnit XML " + junitXml + ": " + ioProblem(e));
                return USAGE;
            }
        }
        Optional<ContractFailure> failure = matcher.failure();
        if (failure.isPresent()) {
            err.print(failure.get().report());
            err.println("full log: " + logArg);
            return NOT_MET;
        }
        out.println(summary(matcher, lines));
        return HOLDS;
    }

    /**
     * What {@code <contract>} names: a contract file (a path, or a name ending in {@value Contract#SUFFIX},
     * or an existing file) or a built-in contract.
     *
     * @throws ContractException {@code CONTRACT_NOT_FOUND} when it is neither, or the file's problem
     */
    public static Contract contract(String arg) {
        Path p = Path.of(arg);
        if (arg.endsWith(Contract.SUFFIX) || arg.contains("/") || Files.exists(p)) {
            return Contract.load(p);
        }
        return Contract.builtIn(arg);
    }

    /** Two lines: what was met, and the step that came closest to its timeout. */
    static String summary(ContractMatcher matcher, int lines) {
        Contract c = matcher.contract();
        List<StepResult> results = matcher.results();
        int firstBoot = c.steps().get(0).boot();
        String boots = firstBoot == c.lastBoot() ? "boot " + firstBoot : "boots " + firstBoot + "-" + c.lastBoot();
        String head = "contract '" + c.name() + "' holds: " + results.size() + " of " + c.steps().size()
                + " steps met in " + boots + " (" + lines + " console lines read)";
        Optional<StepResult> tightest = results.stream().filter(r -> r.margin().isPresent())
                .min(Comparator.comparing(r -> r.margin().get()));
        if (tightest.isEmpty()) {
            return head + "\ntimes unknown (raw console capture): timeouts not checked";
        }
        StepResult r = tightest.get();
        return head + "\nsmallest margin: step " + r.step().number() + " '" + r.step().pattern().describe(matcher.captures())
                + "' took " + seconds(r.waited()) + " of " + seconds(r.allowed()) + " (margin " + seconds(r.margin().get()) + ")";
    }

    /** What an I/O failure on a file means, in words: {@code no such directory /x} rather than the exception's class. */
    static String ioProblem(IOException e) {
        if (e instanceof NoSuchFileException n) {
            Path parent = Path.of(n.getFile()).toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? "no such directory " + parent : "no such file " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof FileSystemException f) return f.getFile() + ": " + (f.getReason() == null ? "cannot be used" : f.getReason());
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A timeout scale as reports print it: {@code 1}, {@code 2.5}. */
    static String scaleText(double scale) {
        return BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString();
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    /**
     * Input {@code markers <command>} cannot use, in one line with its code (docs/markers.md): a
     * directory of runs or reports that is missing or cannot be read, {@code LOG_UNREADABLE}. Always
     * {@value #USAGE}.
     */
    static int unusable(PrintStream err, String command, String problem) {
        return unusable(err, command, ContractException.Code.LOG_UNREADABLE, problem);
    }

    /** The same with its own code: {@code NOTHING_TO_CHECK} for a directory that reads but holds nothing to check. */
    static int unusable(PrintStream err, String command, ContractException.Code code, String problem) {
        err.println("markers " + command + ": " + code + ": " + problem);
        return USAGE;
    }

    /** Prints the usage text after the problem; always {@value #USAGE}. */
    private static int usage(PrintStream err, String problem) {
        err.println("markers: " + problem);
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
