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
final class SystemCommand extends ToolCommand.Group {
    @Command(name = "pack",
            description = "Pack a directory of .nxb bundles and a metadata file into a signed system set .nxs.")
    static final class Pack extends ToolCommand implements Callable<Integer> {
        @Option(names = "--bundles", required = true, converter = HostFiles.InputDir.class,
                description = "Directory holding the .nxb files.")
        Path bundles;
        @Option(names = "--meta", required = true, converter = HostFiles.InputFile.class,
                description = "JSON: {\"version\": \"1.0.0\", \"publisher\": \"...\"}.")
        Path meta;
        @CommandLine.Mixin
        SigningKeys keys;
        @Option(names = "--out", required = true, description = "Output .nxs file.")
        Path out;

        @Override
        public Integer call() throws IOException {
            Map.Entry<Version, String> m = Packaging.systemMeta(meta);
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(bundles)) {
                s.filter(p -> p.getFileName().toString().endsWith(".nxb")).sorted().forEach(files::add);
            }
            byte[] nxs = Packaging.systemSet(files, m.getKey(), m.getValue(), keys.load());
            Packaging.write(out, nxs);
            spec.commandLine().getOut().println("system set " + m.getKey() + " (" + files.size() + " bundles) index sha256 "
                    + Packaging.systemIndexDigest(out) + " -> " + out);
            return 0;
        }
    }
}
