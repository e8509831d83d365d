package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.maker.DeltaMaker;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trialboot delta}: the {@code .nxdelta} that turns one slot image into the next
 * ({@link DeltaMaker}; docs/delta.md). Written beside {@code --out} and renamed, never over an
 * existing file; {@code release --delta} then applies it over its base before signing it.
 */
@Command(name = "delta",
        description = "Make a .nxdelta turning the --base slot image into --image (an image with a dm-verity tree gives a"
                + " data-only delta, the device rebuilds the tree); sign it with release --delta.")
final class DeltaCommand extends ToolCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, converter = HostFiles.InputFile.class,
            description = "The image the device runs (the delta's base), e.g. the previous release's slot image.")
    Path base;
    @Option(names = "--image", required = true, converter = HostFiles.InputFile.class,
            description = "The slot image the delta makes.")
    Path image;
    @Option(names = "--out", required = true, description = "Output .nxdelta; must not exist.")
    Path out;

    @Override
    public Integer call() {
        if (Files.exists(out)) {
            throw new TrialbootException(Code.HOST_EXISTS, out + " exists; not overwriting");
        }
        Path target = out.toAbsolutePath().normalize();
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        DeltaMaker.Stats s;
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                s = new DeltaMaker().make(base, image, o);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().println("delta " + s.source().digest().shortHex() + " -> " + s.target().digest().shortHex()
                    + ": " + Files.size(target) + " bytes (copy " + s.copyBytes() + ", add " + s.addBytes() + ", literal "
                    + s.literalBytes() + ", zero " + s.zeroBytes() + " bytes of the image) -> " + out);
        } catch (IOException e) {
            throw HostFiles.writeFailure(out, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                throw HostFiles.writeFailure(temp, e);
            }
        }
        return 0;
    }
}
