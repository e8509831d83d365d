package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.Inputs;
import io.trialboot.trust.SignatureFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code trialboot sign}: adds one co-signer's signature to a manifest's or feed's {@code .sig} (quorum). */
@Command(name = "sign",
        description = "Add a signature to <file>.sig (created if absent), for quorum co-signers who each hold one key."
                + " The file must decode as the device decodes it.")
final class SignCommand extends ToolCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", converter = HostFiles.InputFile.class,
            description = "The signed file (release manifest or feed).")
    Path file;
    @Option(names = "--key", required = true, converter = HostFiles.InputFile.class,
            description = "The co-signer's private key.")
    Path key;

    @Override
    public Integer call() {
        SigningKey k = Keys.loadSigningKey(key);
        byte[] content = Inputs.read(file, Bounds.MANIFEST_BYTES);
        VerifyCommand.decodeSignable(content);
        Path sig = SignatureFile.beside(file);
        byte[] signatures = Files.exists(sig)
                ? Packaging.cosign(content, Inputs.read(sig, Bounds.SIGNATURE_BYTES), k)
                : Packaging.sign(content, List.of(k));
        DurableFiles.write(sig, signatures); // beside and renamed: the old .sig or the new one, never half of one
        spec.commandLine().getOut().println("signed by " + k.keyId() + " -> " + sig);
        return 0;
    }
}
