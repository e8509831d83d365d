package io.trialboot.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --key} option of the commands that sign: one private key file or more (a quorum). */
final class SigningKeys {
    @Option(names = "--key", required = true, converter = HostFiles.InputFile.class,
           
            description = "Signing private key (repeatable for quorum; a release names the first as its signer).")
    List<Path> files;

    /** The keys, in the order given. */
    List<SigningKey> load() {
        List<SigningKey> keys = new ArrayList<>();
        files.forEach(f -> keys.add(Keys.loadSigningKey(f)));
        return keys;
    }
}
