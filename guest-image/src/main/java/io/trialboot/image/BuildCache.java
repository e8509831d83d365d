package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Built images cached under {@code <cache>/images/<key>}, the key being the SHA-256 over every
 * input: package digests, our sources, the guest jars and the builder's own classes. A build
 * whose inputs did not change reuses the cached outputs (hard links, so nothing is copied).
 * Every source change makes a new key, so the cache keeps only the {@value #KEEP} images used last
 * (each entry's {@code complete} file carries its last use) and removes older ones when it stores
 * a new one. A removed entry's files live on in every {@code target/image} that links them.
 */
final class BuildCache {
    /** How many images the cache keeps: those used last. */
    static final int KEEP = 3;
    private static final String COMPLETE = "complete";
    private static final String ASIDE = ".removing-";
    private final Path images;
    private final Consumer<String> log;

    BuildCache(Path cacheDir, Consumer<String> log) {
        this.images = cacheDir.resolve("images");
        this.log = log;
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

    /** The complete entry for {@code key}, marked as used now. */
    Optional<Path> lookup(String key) {
        Path complete = images.resolve(key).resolve(COMPLETE);
        if (!Files.isRegularFile(complete)) {
            return Optional.empty();
        }
        try {
            Files.setLastModifiedTime(complete, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark the cached image " + complete.getParent() + " as used", e);
        }
        return Optional.of(complete.getParent());
    }

    /**
     * Moves a finished build into the cache; a marker file written last makes it complete. Then
     * removes the complete entries beyond the {@value #KEEP} used last.
     */
    Path store(String key, Path built) {
        Path dir = images.resolve(key);
        try {
            Files.createDirectories(images);
            SquashfsSlotBuilder.deleteTree(dir);
            Files.move(built, dir);
            Files.writeString(dir.resolve(COMPLETE), key + "\n");
            evictBeyond(KEEP);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes the complete entries beyond the {@code keep} used last, each renamed aside first so no
     * lookup finds it half removed (what a build stopped while removing left aside goes too).
     * Entries without their marker (a build storing now) are left alone.
     */
    List<Path> evictBeyond(int keep) throws IOException {
        List<Path> complete = new ArrayList<>();
        List<Path> leftAside = new ArrayList<>();
        try (Stream<Path> s = Files.list(images)) {
            s.forEach(d -> (d.getFileName().toString().startsWith(ASIDE) ? leftAside : complete).add(d));
        }
        for (Path d : leftAside) {
            SquashfsSlotBuilder.deleteTree(d);
        }
        complete.removeIf(d -> !Files.isRegularFile(d.resolve(COMPLETE)));
        complete.sort(Comparator.comparing((Path d) -> lastUse(d)).reversed().thenComparing(Path::getFileName));
        List<Path> removed = new ArrayList<>();
        for (Path d : complete.subList(Math.min(keep, complete.size()), complete.size())) {
            String used = lastUse(d).toString();
            Path aside = images.resolve(ASIDE + d.getFileName());
            Files.move(d, aside);
            SquashfsSlotBuilder.deleteTree(aside);
            log.accept("cache: removed image " + d.getFileName().toString().substring(0, 12) + " (last used " + used
                    + "), keeping the " + keep + " used last");
            removed.add(d);
        }
        return removed;
    }

    private static FileTime lastUse(Path entry) {
        try {
            return Files.getLastModifiedTime(entry.resolve(COMPLETE));
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
