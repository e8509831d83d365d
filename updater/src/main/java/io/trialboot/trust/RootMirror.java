package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Inputs;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The state partition's {@code host/trusted-roots/} is only a mirror of the roots the fixed boot
 * chain anchors: anyone who can write {@code /state} can write it. Every {@code *.pub} there that
 * the anchor lacks, or that is no key at all, is refused here and never used.
 */
public final class RootMirror {
    /** One refused mirror file: its name, the code ({@link Code#ROOT_NOT_ANCHORED} or the key's own) and why. */
    public record Refusal(String file, Code code, String why) {
        public Refusal {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(code, "code");
        }
    }

    private RootMirror() {
    }

    /** The refused files of {@code mirrorDir}, in name order; none when the mirror is absent. */
    public static List<Refusal> check(TrustStore anchored, Path mirrorDir) {
        List<Refusal> refused = new ArrayList<>();
        if (!Files.isDirectory(mirrorDir)) {
            return refused;
        }
        List<Path> files = new ArrayList<>();
        // A loop, not a stream: the boot checks the mirror before bootctld, and a stream's lambdas
        // (and the sort's, which the class archive lacks) link at run time under emulation.
        try (DirectoryStream<Path> s = Files.newDirectoryStream(mirrorDir)) {
            for (Path p : s) {
                if (p.getFileName().toString().endsWith(".pub")) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list the root mirror " + mirrorDir + ": " + IoFailure.reason(e), e);
        }
        Bounds.check("root mirror keys", files.size(), Bounds.TRUST_KEYS);
        Collections.sort(files);
        for (Path p : files) {
            String name = p.getFileName().toString();
            try {
                KeyId id = KeyId.of(Ed25519.rawFromPem(Inputs.read(p, Bounds.KEY_FILE_BYTES)));
                if (!anchored.pins(id)) {
                    refused.add(new Refusal(name, Code.ROOT_NOT_ANCHORED, "root " + id + " in " + p
                            + " is not anchored in the boot chain " + anchored.ids() + ": never used"));
                }
            } catch (TrialbootException e) {
                refused.add(new Refusal(name, e.code(), p + ": " + e.getMessage()));
            }
        }
        return refused;
    }
}
