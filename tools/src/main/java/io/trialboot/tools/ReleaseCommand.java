package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trialboot release}: a signed release manifest for a slot image. */
@Command(name = "release",
        description = "Write a signed release manifest (<out> + <out>.sig) for a slot image, full and/or delta.")
final class ReleaseCommand extends ToolCommand implements Callable<Integer> {
    @Option(names = "--image", required = true, converter = HostFiles.InputFile.class,
            description = "The slot image this release installs.")
    Path image;
    @Option(names = "--full-path", description = "Media path of the full image under updates/ (omit for a delta-only release).")
    String fullPath;
    @Option(names = "--delta", converter = HostFiles.InputFile.class,
            description = "A .nxdelta producing the image from --base-image.")
    Path delta;
    @Option(names = "--delta-path", description = "Media path of the delta under updates/.")
    String deltaPath;
    @Option(names = "--base-image", converter = HostFiles.InputFile.class, description = "The image the delta applies to.")
    Path baseImage;
    @Option(names = "--version", required = true, description = "Release version MAJOR.MINOR.PATCH.")
    String version;
    @Option(names = "--min-version", required = true, description = "Lowest installed version this release may update.")
    String minVersion;
    @Option(names = "--compatible", required = true, description = "Device class string; must equal the domain's.")
    String compatible;
    @Option(names = "--system-set", required = true, converter = HostFiles.InputFile.class,
            description = "The image's system set .nxs (its index digest is signed).")
    Path systemSet;
    @Option(names = "--policy", required = true, converter = HostFiles.InputFile.class,
            description = "Update policy file the release expects (SHA-256 signed).")
    Path policy;
    @CommandLine.Mixin
    SigningKeys keys;
    @Option(names = "--out", required = true, description = "Output manifest file, e.g. manifests/1.1.0.nxm.")
    Path out;

    @Override
    public Integer call() {
        List<Packaging.DeltaInput> deltas = new ArrayList<>();
        if (delta != null || deltaPath != null || baseImage != null) {
            if (delta == null || deltaPath == null || baseImage == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--delta, --delta-path and --base-image go together");
            }
            deltas.add(new Packaging.DeltaInput(delta, deltaPath, baseImage));
        }
        if (fullPath == null && deltas.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --full-path, a delta, or both");
        }
        Signed s = Packaging.release(new Packaging.ReleaseInput(Version.parse(version), Version.parse(minVersion),
                compatible, Packaging.systemIndexDigest(systemSet), Sha256.of(Inputs.read(policy, Bounds.AUTHORING_BYTES)),
                image, Optional.ofNullable(fullPath), deltas), keys.load());
        s.writeTo(out);
        spec.commandLine().getOut().println("release " + version + " sha256 " + Sha256.of(s.content()) + " -> " + out);
        return 0;
    }
}
