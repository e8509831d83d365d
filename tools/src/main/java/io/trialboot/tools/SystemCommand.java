package io.trialboot.tools;

import io.trialboot.core.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trialboot system pack}: packs bundles into a signed system set. */
@Command(name = "system", description = "System set (.nxs) commands.",
        subcommands = SystemCommand.Pack.class)
final class SystemCommand implements Runnable {
    @CommandLine.Mixin
    TrialbootTool.HelpOption help;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "pack",
            description = "Pack a directory of .nxb bundles and a metadata file into a signed system set .nxs.")
    static final class Pack implements Callable<Integer> {
    @CommandLine.Mixin
    TrialbootTool.HelpOption help;
        @Option(names = "--bundles", required = true, description = "Directory holding the .nxb files.")
        Path bundles;
        @Option(names = "--meta", required = true, description = "JSON: {\"version\": \"1.0.0\", \"publisher\": \"...\"}.")
        Path meta;
        @Option(names = "--key", required = true, description = "Signing private key (repeatable for quorum).")
        List<Path> keys;
        @Option(names = "--out", required = true, description = "Output .nxs file.")
        Path out;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Map.Entry<Version, String> m = Packaging.systemMeta(meta);
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(bundles)) {
                s.filter(p -> p.getFileName().toString().endsWith(".nxb")).sorted().forEach(files::add);
            }
            byte[] nxs = Packaging.systemSet(files, m.getKey(), m.getValue(), TrialbootTool.signingKeys(keys));
            Packaging.write(out, nxs);
            spec.commandLine().getOut().println("system set " + m.getKey() + " (" + files.size() + " bundles) index sha256 "
                    + Packaging.systemIndexDigest(out) + " -> " + out);
            return 0;
        }
    }
}
