package io.trialboot.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Saved guest states on disk, one directory per snapshot name and key ({@code <name>-<key prefix>/}):
 * QEMU's migration stream ({@code state}), the overlay as it was at that moment ({@code disk.qcow2},
 * over the image's base disk) and {@code snapshot.properties} (the key's inputs and the SHA-256 of
 * both files). A lookup says why it has no usable entry: none yet, one from other inputs (naming
 * the input that changed), a damaged one, or snapshots turned off.
 */
public final class SnapshotCache {
    /** {@code off} forces cold boots everywhere. */
    public static final String PROPERTY = "trialboot.snapshots";
    /** {@code off} forces cold boots everywhere, as {@value #PROPERTY} does. */
    public static final String ENV = "TRIALBOOT_SNAPSHOTS";
    /** Where the cache lives; default {@code snapshots} beside the run directories ({@code trialboot.runs}). */
    public static final String DIR_PROPERTY = "trialboot.snapshots.dir";
    static final String MANIFEST = "snapshot.properties";

    private final Path dir;
    private final Optional<String> off;

    private SnapshotCache(Path dir, Optional<String> off) {
        this.dir = dir.toAbsolutePath();
        this.off = off;
    }

    /** A cache in {@code dir}. */
    public static SnapshotCache at(Path dir) {
        return new SnapshotCache(dir, Optional.empty());
    }

    /** The cache the system properties and environment ask for (see {@link #PROPERTY}, {@link #ENV}, {@link #DIR_PROPERTY}). */
    public static SnapshotCache fromEnvironment() {
        String d = System.getProperty(DIR_PROPERTY);
        String runs = System.getProperty(QemuVmExtension.RUNS_PROPERTY);
        Path dir = d != null && !d.isBlank() ? Path.of(d)
                : Path.of(runs == null || runs.isBlank() ? "target/qemu-runs" : runs).toAbsolutePath().resolveSibling("snapshots");
        if ("off".equals(System.getProperty(PROPERTY))) {
            return new SnapshotCache(dir, Optional.of("snapshots are off (-D" + PROPERTY + "=off)"));
        }
        if ("off".equals(System.getenv(ENV))) {
            return new SnapshotCache(dir, Optional.of("snapshots are off (" + ENV + "=off)"));
        }
        return at(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Whether snapshots are used and saved (not turned off). */
    public boolean enabled() {
        return off.isEmpty();
    }

    /** Why no snapshot is used or saved, when snapshots are off. */
    Optional<String> off() {
        return off;
    }

    /**
     * One saved state: its files, the media that was in the hot-plug port, and the console lines its
     * recipe's steps printed when it was made ({@code steps}: facts from before any restore of it,
     * which a test may take only by asking for them, {@link QemuVm#saved}).
     */
    record Entry(String name, String key, Path dir, Optional<Path> media, List<String> steps) {
        Entry {
            steps = List.copyOf(steps);
        }

        Path state() {
            return dir.resolve("state");
        }

        Path disk() {
            return dir.resolve("disk.qcow2");
        }
    }

    /** A usable entry, or why there is none. */
    record Lookup(Optional<Entry> entry, String why) {}

    /** The entry for {@code name} made from exactly {@code key}'s inputs, checked whole. */
    Lookup find(String name, SnapshotKey key) {
        if (off.isPresent()) return miss(off.get());
        Path entryDir = dir.resolve(name + "-" + key.hex().substring(0, 16));
        Path manifest = entryDir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) return miss(stale(name, key).orElse("no snapshot yet in " + dir));
        try {
            Properties p = load(manifest);
            if (!key.hex().equals(p.getProperty("key"))) return miss("damaged: " + manifest + " names key " + p.getProperty("key"));
            for (String f : List.of("state", "disk.qcow2")) {
                Path file = entryDir.resolve(f);
                String want = p.getProperty(f + ".sha256");
                if (!Files.isRegularFile(file)) return miss("damaged: " + file + " is missing");
                String have = CacheFiles.sha256(file);
                if (!have.equals(want)) return miss("damaged: " + file + " has SHA-256 " + have + ", the manifest says " + want);
            }
            Optional<Path> media = Optional.ofNullable(p.getProperty("media")).filter(s -> !s.isEmpty()).map(Path::of);
            if (media.isPresent() && (!Files.isRegularFile(media.get())
                    || !CacheFiles.sha256(media.get()).equals(p.getProperty("media.sha256")))) {
                return miss("stale: the media it had plugged in, " + media.get() + ", is gone or changed");
            }
            Optional<String> parent = changedParent(p);
            if (parent.isPresent()) return miss("stale: " + parent.get());
            String steps = p.getProperty("steps", "");
            return new Lookup(Optional.of(new Entry(name, key.hex(), entryDir, media,
                    steps.isEmpty() ? List.of() : List.of(steps.split("\n", -1)))), "found in " + entryDir);
        } catch (IOException | UncheckedIOException e) {
            return miss("damaged: cannot read " + entryDir + ": " + e.getMessage());
        }
    }

    /** The lock file the state of {@code name} and {@code key} is made under ({@link StateLock}), beside the entries. */
    Path lockFile(String name, SnapshotKey key) {
        return dir.resolve(".making").resolve(name + "-" + key.hex().substring(0, 16) + ".lock");
    }

    /** A directory to save a new state of {@code name} into (then {@link #store}). */
    Path workDir(String name) {
        try {
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, ".saving-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory in the snapshot cache " + dir, e);
        }
    }

    /**
     * Writes the manifest of the state saved in {@code work} (with the console lines {@code steps}
     * its recipe printed; {@code base}, what its disk was made over) and moves it into place; an
     * entry already there is kept. A disk made over another entry's disk records that disk and its
     * SHA-256: the entry is of use only while that one is the same ({@link #find}).
     */
    Entry store(String name, SnapshotKey key, Path work, Optional<Path> media, List<String> steps, Optional<Path> base) {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("key", key.hex());
        p.setProperty("inputs", key.text());
        p.setProperty("steps", String.join("\n", steps));
        try {
            for (String f : List.of("state", "disk.qcow2")) p.setProperty(f + ".sha256", CacheFiles.sha256(work.resolve(f)));
            p.setProperty("media", media.map(Path::toString).orElse(""));
            Optional<Path> parent = base.map(Path::toAbsolutePath).filter(b -> b.startsWith(dir));
            if (parent.isPresent()) {
                p.setProperty("backing", parent.get().toString());
                p.setProperty("backing.sha256", CacheFiles.sha256(parent.get()));
            }
            if (media.isPresent()) p.setProperty("media.sha256", CacheFiles.sha256(media.get()));
            try (OutputStream out = Files.newOutputStream(work.resolve(MANIFEST))) {
                p.store(out, "a saved guest state: docs/testing.md, \"Snapshots\"");
            }
            Path target = dir.resolve(name + "-" + key.hex().substring(0, 16));
            // Failsafe's forks share the cache: under a lock across JVMs (and threads: a JVM's file lock
            // is its own), an entry another one saved first is kept, as a running VM's overlay may have
            // it as its backing file; only a damaged one is replaced.
            synchronized (SnapshotCache.class) {
                try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock held = lockFile.lock()) {
                    Optional<Entry> saved = find(name, key).entry();
                    if (saved.isPresent()) {
                        CacheFiles.deleteTree(work);
                        return saved.get();
                    }
                    CacheFiles.deleteTree(target);
                    Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            // the files were hashed just now: the first lookup of the new entry need not read them again
            for (String f : List.of("state", "disk.qcow2")) CacheFiles.remember(target.resolve(f), p.getProperty(f + ".sha256"));
            return new Entry(name, key.hex(), target, media, steps);
        } catch (IOException e) {
            CacheFiles.deleteTree(work);
            throw new UncheckedIOException("cannot store snapshot " + name + " in " + dir, e);
        }
    }

    /**
     * Removes {@code entry} from the cache (a restore of it failed: it would fail again), unless
     * another JVM has replaced it since; the next {@link #store} of its name and key saves a new one.
     * Entries made over its disk are stale from then on ({@link #find}).
     */
    void evict(Entry entry) {
        synchronized (SnapshotCache.class) {
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = lockFile.lock()) {
                Path manifest = entry.dir().resolve(MANIFEST);
                if (Files.isRegularFile(manifest) && entry.key().equals(load(manifest).getProperty("key"))) {
                    CacheFiles.deleteTree(entry.dir());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot evict " + entry.dir() + " from the snapshot cache", e);
            }
        }
    }

    /**
     * Why the disk an entry's disk was made over (recorded in its manifest {@code m}) is not what it
     * was, down the chain: gone, other bytes, or itself made over one that changed.
     */
    private Optional<String> changedParent(Properties m) throws IOException {
        String backing = m.getProperty("backing");
        if (backing == null || backing.isEmpty()) return Optional.empty();
        Path disk = Path.of(backing);
        Path manifest = disk.resolveSibling(MANIFEST);
        if (!Files.isRegularFile(disk) || !Files.isRegularFile(manifest)) {
            return Optional.of("the state it was made from is gone (" + disk + ")");
        }
        if (!CacheFiles.sha256(disk).equals(m.getProperty("backing.sha256"))) {
            return Optional.of("the state it was made from changed (" + disk + ")");
        }
        return changedParent(load(manifest));
    }

    /**
     * Entries of {@code name} made from other inputs: which input changed, for the closest one (the
     * one that agrees with {@code key} on the most inputs from the first on: the same QEMU and
     * command line with another disk is closer than another command line).
     */
    private Optional<String> stale(String name, SnapshotKey key) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> d.getFileName().toString().startsWith(name + "-") && Files.isRegularFile(d.resolve(MANIFEST)))
                    .flatMap(d -> {
                        try {
                            return Stream.of(parse(load(d.resolve(MANIFEST)).getProperty("inputs", "")));
                        } catch (IOException e) {
                            return Stream.empty();
                        }
                    })
                    .max(Comparator.comparingInt(key::agreement)).flatMap(key::changedSince).map(c -> "stale: " + c);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static SnapshotKey parse(String text) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) inputs.put(line.substring(0, eq), line.substring(eq + 1).replace("\\n", "\n").replace("\\\\", "\\"));
        }
        return new SnapshotKey(inputs);
    }

    private static Properties load(Path manifest) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            p.load(in);
        }
        return p;
    }

    private static Lookup miss(String why) {
        return new Lookup(Optional.empty(), why);
    }
}
