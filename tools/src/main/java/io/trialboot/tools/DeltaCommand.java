package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.maker.DeltaMaker;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream o = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                s = new DeltaMaker().make(base, image, o);
                o.flush();
                ch.force(true);
            }
            // Not ATOMIC_MOVE: rename(2) would replace a file made at --out meanwhile; this move refuses it.
            Files.move(temp, target);
            spec.commandLine().getOut().println("delta " + s.source().digest().shortHex() + " -> " + s.target().digest().shortHex()
                    + ": " + Files.size(target) + " bytes (copy " + s.copyBytes() + ", add " + s.addBytes() + ", literal "
                    + s.literalBytes() + ", zero " + s.zeroBytes() + " bytes of the image) -> " + out);
        } catch (FileAlreadyExistsException e) {
            throw Files.exists(target) ? new TrialbootException(Code.HOST_EXISTS, out + " exists; not overwriting")
                    : IoFailure.writing(out, e);
        } catch (IOException e) {
            throw IoFailure.writing(out, e);
        } finally {
            removeLeftover(temp);
        }
        return 0;
    }

    /** A partial file left by a failed make: the failure reported is the make's, so this removal's is not. */
    private static void removeLeftover(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // the next make truncates it
        }
    }
}
