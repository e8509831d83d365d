package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trialboot}: the host packaging tools. Each command is a thin wrapper over {@link Packaging},
 * {@link Keys} and the format classes. Exit status: 0 success (or ALLOW), 1 a documented failure
 * (or DENY), 2 a usage error.
 */
@Command(name = "trialboot", mixinStandardHelpOptions = true, version = "trialboot tools 0.1",
        description = "Keys, admission records, bundles, system sets, deltas, releases and feeds for trialboot.",
        subcommands = {TrialbootTool.KeyGen.class, AdmitCommand.class, BundleCommand.class, SystemCommand.class,
                DeltaCommand.class, ReleaseCommand.class, FeedCommand.class, SignCommand.class, VerifyCommand.class,
                TrialbootTool.InspectCmd.class})
public final class TrialbootTool implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrialbootTool());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof TrialbootException t) {
                line.getErr().println("error " + t.getMessage());
                return 1;
            }
            throw e;
        });
        cl.setParameterExceptionHandler(TrialbootTool::refuseCommandLine);
        return cl.execute(args);
    }

    /**
     * A command line picocli could not take. An input file its option names that is absent is the
     * documented failure of {@link HostFiles} (exit 1, naming the option); anything else is a usage
     * error: one line with its code and exit status, then the command's synopsis (exit 2).
     */
    private static int refuseCommandLine(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        if (e.getCause() instanceof TrialbootException t) {
            err.println("error " + t.code() + ": " + argName(e.getArgSpec()) + ": " + t.detail());
            return 1;
        }
        err.println("error " + Code.MALFORMED_INPUT + ": usage: " + e.getMessage() + " (exit status " + USAGE_STATUS + ")");
        err.print("Usage: " + line.getHelp().synopsis(0));
        err.println("'" + line.getCommandSpec().qualifiedName() + " --help' lists every option.");
        return USAGE_STATUS;
    }

    /** The exit status of a command line that does not fit the usage. */
    static final int USAGE_STATUS = 2;

    private static String argName(CommandLine.Model.ArgSpec arg) {
        if (arg instanceof CommandLine.Model.OptionSpec o) {
            return o.longestName();
        }
        return arg == null ? "argument" : arg.paramLabel();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code -h/--help} alone: several commands use {@code --version} for a release version. */
    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    @Command(name = "keygen",
            description = "Generate an Ed25519 key pair: <name>.key (PKCS#8 PEM, 0600) and <name>.pub (SPKI PEM).")
    static final class KeyGen extends ToolCommand implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Directory to write the key files into.")
        Path out;
        @Option(names = "--name", required = true,
                description = "Base name of the key files: a plain file name, [A-Za-z0-9][A-Za-z0-9._-]{0,63}.")
        String name;

        @Override
        public Integer call() {
            SigningKey k = Keys.generate(out, name);
            spec.commandLine().getOut().println("key id " + k.keyId() + " -> " + out.resolve(name + ".key") + ", "
                    + out.resolve(name + ".pub"));
            return 0;
        }
    }

    @Command(name = "inspect",
            description = "Dump any trialboot file in readable form (archives: entries with sizes and digests; CBOR: diagnostic notation).")
    static final class InspectCmd extends ToolCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", converter = HostFiles.InputFile.class,
                description = "The file to dump.")
        Path file;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Inspect.dump(file));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
