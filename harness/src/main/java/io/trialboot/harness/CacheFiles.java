package io.trialboot.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The files of the snapshot cache and the image: their SHA-256, known once per JVM, and deleting a tree of them. */
final class CacheFiles {
    /** Digests of files already hashed in this JVM, by path, size and modification time. */
    private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();
    /** What {@code sha256sum} prints for its standard input. */
    private static final Pattern SHA256SUM = Pattern.compile("([0-9a-f]{64})  -\\n");

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

    /**
     * A shell command that writes its standard input to {@code file} and hashes it on the way
     * ({@code tee} into {@code sha256sum}, beside the writer): {@link #written} gives the digest.
     */
    static String writeHashing(Path file) {
        return "{ tee " + Snapshots.shellQuoted(file) + " || echo >" + Snapshots.shellQuoted(sibling(file, ".failed"))
                + "; } | sha256sum >" + Snapshots.shellQuoted(sibling(file, ".sha256"));
    }

    /** Whether {@link #writeHashing}'s command for {@code file} has ended: its digest is written. */
    static boolean hashed(Path file) throws IOException {
        Path digest = sibling(file, ".sha256");
        return Files.isRegularFile(digest) && SHA256SUM.matcher(Files.readString(digest, StandardCharsets.US_ASCII)).matches();
    }

    /**
     * Takes the digest {@link #writeHashing}'s command left beside {@code file} (once {@link #hashed})
     * as the file's SHA-256, and removes it. Fails when the file could not be written.
     */
    static String rememberHashed(Path file) throws IOException {
        if (Files.exists(sibling(file, ".failed"))) throw new IOException("tee could not write " + file);
        Path digest = sibling(file, ".sha256");
        Matcher m = SHA256SUM.matcher(Files.readString(digest, StandardCharsets.US_ASCII));
        if (!m.matches()) throw new IOException("no SHA-256 in " + digest);
        remember(file, m.group(1));
        Files.delete(digest);
        return m.group(1);
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Copies {@code from} to {@code to} (a new file) and returns the SHA-256 of the bytes copied. */
    static String copyHashing(Path from, Path to) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), md)) {
            Files.copy(in, to);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** SHA-256 of {@code file} as it is now, never from the memo (a file that is rewritten in place). */
    static String sha256Now(Path file) {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return HexFormat.of().formatHex(md.digest());
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
