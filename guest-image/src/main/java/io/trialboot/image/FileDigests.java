package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The SHA-256 of a file, streamed: the build's packages, images, inputs and outputs are named by it. */
final class FileDigests {
    private FileDigests() {}

    static Sha256 sha256(Path file) {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Sha256(md.digest());
    }

    /** The SHA-256 of each file, hashed side by side on the machine's cores (the build manifest's gigabyte). */
    static Map<Path, Sha256> sha256All(List<Path> files) {
        return files.parallelStream().distinct().collect(Collectors.toConcurrentMap(Function.identity(), FileDigests::sha256));
    }
}
