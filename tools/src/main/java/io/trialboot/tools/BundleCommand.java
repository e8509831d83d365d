package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.format.Bundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trialboot bundle pack}: packs an application jar into a bundle. */
@Command(name = "bundle", description = "Bundle (.nxb) commands.",
        subcommands = BundleCommand.Pack.class)
final class BundleCommand extends ToolCommand.Group {
    @Command(name = "pack", description = "Pack an application jar into a bundle .nxb.")
    static final class Pack extends ToolCommand implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "Bundle name, [a-z][a-z0-9-]{0,31}.")
        String name;
        @Option(names = "--version", required = true, description = "MAJOR.MINOR.PATCH.")
        String version;
        @Option(names = "--publisher", required = true, description = "Publisher label.")
        String publisher;
        @Option(names = "--ability", description = "Required ability (repeatable).")
        List<String> abilities = new ArrayList<>();
        @Option(names = "--start", required = true, description = "Start command, e.g. 'java -jar payload.jar'.")
        String start;
        @Option(names = "--payload", required = true, converter = HostFiles.InputFile.class,
                description = "The application jar.")
        Path payload;
        @Option(names = "--out", required = true, description = "Output .nxb file.")
        Path out;

        @Override
        public Integer call() {
            byte[] bytes = Bundle.pack(name, Version.parse(version), publisher, abilities, start,
                    Packaging.readLarge(payload, Bounds.BUNDLE_BYTES));
            Packaging.write(out, bytes);
            spec.commandLine().getOut().println("bundle " + name + " " + version + " sha256 " + Sha256.of(bytes) + " -> " + out);
            return 0;
        }
    }
}
