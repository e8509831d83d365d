package io.trialboot.tools;

import io.trialboot.core.DurableFiles;
import io.trialboot.core.IoFailure;
import io.trialboot.trust.SignatureFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Signed metadata ready to write: the exact bytes and their detached signature file. */
public record Signed(byte[] content, byte[] signature) {
    public Signed {
        content = content.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Writes {@code file} and {@code file.sig} beside it, replacing an existing pair: each is written
     * beside its target and renamed into place, the old {@code .sig} removed first
     * ({@link DurableFiles#writePair}), so an interrupted run leaves the old pair, the new pair, or a
     * file with no {@code .sig}, never a file under another's signature or a half-written one.
     */
    public void writeTo(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw IoFailure.writing(file, e);
        }
        DurableFiles.writePair(file, content, SignatureFile.beside(file), signature);
    }
}
