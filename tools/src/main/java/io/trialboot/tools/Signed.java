package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
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

    /** Writes {@code file} and {@code file.sig} beside it. */
    public void writeTo(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(file, content);
            Files.write(SignatureFile.beside(file), signature);
        } catch (IOException e) {
            throw HostFiles.writeFailure(file, e);
        }
    }
}
