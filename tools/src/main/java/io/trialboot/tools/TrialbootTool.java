package io.trialboot.tools;

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
        description = "Keys, admission records, bundles, system sets, releases and feeds for trialboot.",
        subcommands = {TrialbootTool.KeyGen.class, AdmitCommand.class, BundleCommand.class, SystemCommand.class,
                ReleaseCommand.class, FeedCommand.class, SignCommand.class, VerifyCommand.class,
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
        return cl.execute(args);
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
        @Option(names = "--name", required = true, description = "Base name of the key files.")
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
        @Parameters(index = "0", description = "The file to dump.")
        Path file;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Inspect.dump(file));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
