package io.trialboot.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The files of the snapshot cache and the image: their SHA-256, known once per JVM, and deleting a tree of them. */
final class CacheFiles {
    /** Digests of files already hashed in this JVM, by path, size and modification time. */
    private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

    private CacheFiles() {}

    /** SHA-256 of {@code file}, hashed once per JVM while its size and modification time stay. */
    static String sha256(Path file) {
        try {
            String known = DIGESTS.get(file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis());
            if (known != null) return known;
            String hex = sha256Now(file);
            remember(file, hex);
            return hex;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }

    /** Notes {@code hex} as the SHA-256 of {@code file} as it is now (its size and modification time), for {@link #sha256}. */
    static void remember(Path file, String hex) throws IOException {
        DIGESTS.put(file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis(), hex);
    }

    /** SHA-256 of {@code file} as it is now, never from the memo (a file that is rewritten in place). */
    static String sha256Now(Path file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static void deleteTree(Path d) {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + d, e);
        }
    }
}
