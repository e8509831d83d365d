package io.trialboot.tools;

import io.trialboot.format.Feed;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trialboot feed}: compiles {@code stable.json} into a signed feed. */
@Command(name = "feed",
        description = "Compile stable.json into a signed feed (<out> + <out>.sig).")
final class FeedCommand extends ToolCommand implements Callable<Integer> {
    @Option(names = "--json", required = true, converter = HostFiles.InputFile.class,
            description = "Authoring form: {\"channel\": \"stable\", \"manifests\": [\"manifests/1.1.0.nxm\"]}.")
    Path json;
    @Option(names = "--updates", required = true, converter = HostFiles.InputDir.class,
            description = "The media's updates/ directory; manifest paths are relative to it.")
    Path updates;
    @CommandLine.Mixin
    SigningKeys keys;
    @Option(names = "--out", required = true, description = "Output feed, e.g. updates/feeds/stable.nxf.")
    Path out;

    @Override
    public Integer call() {
        Signed s = Packaging.compileFeed(json, updates, keys.load());
        s.writeTo(out);
        spec.commandLine().getOut().println("feed " + Feed.decode(s.content()).entries().size() + " entries -> " + out);
        return 0;
    }
}
