package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Built images cached under {@code <cache>/images/<key>}, the key being the SHA-256 over every
 * input: package digests, our sources, the guest jars and the builder's own classes. A build
 * whose inputs did not change reuses the cached outputs (hard links, so nothing is copied).
 */
final class BuildCache {
    private final Path images;

    BuildCache(Path cacheDir) {
        this.images = cacheDir.resolve("images");
    }

    /** The cache directory: ImageBuild's {@code --cache}, else {@code TRIALBOOT_CACHE}, else {@code ~/.cache/trialboot}. */
    static Path dir(String option) {
        if (!option.isBlank()) {
            return Path.of(option);
        }
        String env = System.getenv("TRIALBOOT_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "trialboot");
    }

    /** A deterministic key over named inputs (names matter: moving bytes between inputs changes it). */
    static String key(List<Input> inputs) {
        MessageDigest md = Sha256.newDigest();
        for (Input in : inputs) {
            md.update((in.name() + "\0" + in.sha256().hex() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Sha256(md.digest()).hex();
    }

    record Input(String name, Sha256 sha256) {}

    /** Every regular file under {@code dir}, by relative path, as inputs. */
    static List<Input> treeInputs(String prefix, Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted()
                    .map(p -> new Input(prefix + "/" + dir.relativize(p), FileDigests.sha256(p))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Path> lookup(String key) {
        Path dir = images.resolve(key);
        return Files.isRegularFile(dir.resolve("complete")) ? Optional.of(dir) : Optional.empty();
    }

    /** Moves a finished build into the cache; a marker file written last makes it complete. */
    Path store(String key, Path built) {
        Path dir = images.resolve(key);
        try {
            Files.createDirectories(images);
            SquashfsSlotBuilder.deleteTree(dir);
            Files.move(built, dir);
            Files.writeString(dir.resolve("complete"), key + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Links (or copies, across file systems) the cached outputs into {@code out}. */
    static void linkInto(Path cached, Path out, List<String> names) {
        try {
            Files.createDirectories(out);
            for (String name : names) {
                Path target = out.resolve(name);
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                try {
                    Files.createLink(target, cached.resolve(name));
                } catch (IOException | UnsupportedOperationException e) {
                    Tools.run(List.of("cp", "--sparse=always", cached.resolve(name).toString(), target.toString()),
                            out, Duration.ofMinutes(5));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
