package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Fetches Debian trixie riscv64 packages with apt in a private apt root ({@code <cache>/apt}):
 * the index is verified by apt's signed Release chain against the host's
 * {@code debian-archive-keyring}, each package by the SHA-256 the signed index lists. Versions
 * are resolved on every build (a point release that replaces a version is picked up and
 * recorded, never a hard failure); a package already in the cache with the listed digest is not
 * downloaded again.
 *
 * <p>The index is asked for under the codename first, then under Debian's alias {@code stable}
 * when the codename's index cannot be had: a mirror part-way through a sync serves a Release
 * whose listed sizes and hashes its Packages files do not match yet ("Mirror sync in
 * progress?"), and the alias's Release may still be the consistent older one. A failed refresh
 * keeps the last verified index when there is one; only a cache without one asks under the alias,
 * and an index fetched so is used only when its signed Release names {@link #SUITE} as its
 * codename. With no index at all the build fails.
 */
final class DebianPackages {
    static final String SUITE = "trixie";
    /** The names the mirror is asked under, in order: the codename, then Debian's alias for it while it is stable. */
    static final List<String> SUITE_NAMES = List.of(SUITE, "stable");
    static final String ARCH = "riscv64";
    /** An index younger than this is reused without asking the mirror (a point release shows up within a day). */
    static final Duration INDEX_MAX_AGE = Duration.ofHours(12);
    static final String REFRESH_ENV = "TRIALBOOT_APT_REFRESH";
    private static final String REFRESH_STAMP = "index-refreshed";
    private static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

    private final Path root;
    private final Path debs;
    private final Consumer<String> log;

    DebianPackages(Path cacheDir, Consumer<String> log) {
        this.root = cacheDir.resolve("apt");
        this.debs = cacheDir.resolve("debs");
        this.log = log;
    }

    /**
     * Refreshes the signed index under the codename. When that fails, the last verified index is
     * kept (returns false); with none, the next of {@link #SUITE_NAMES} is tried.
     */
    boolean update(String mirror) {
        try {
            for (String d : List.of("etc/apt/sources.list.d", "etc/apt/preferences.d", "etc/apt/apt.conf.d",
                    "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/lib/dpkg")) {
                Files.createDirectories(root.resolve(d));
            }
            Files.createDirectories(debs);
            Path status = root.resolve("var/lib/dpkg/status");
            if (!Files.exists(status)) {
                Files.createFile(status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isRegularFile(Path.of(KEYRING))) {
            throw new ImageBuildException(KEYRING + " is missing: run scripts/bootstrap (debian-archive-keyring)");
        }
        Path lists = root.resolve("var/lib/apt/lists");
        Optional<String> indexed = indexedSuite(lists);
        Optional<Duration> age = indexed.isPresent() ? indexAge() : Optional.empty();
        if (age.isPresent() && age.get().compareTo(INDEX_MAX_AGE) < 0 && !"1".equals(System.getenv(REFRESH_ENV))) {
            writeSources(mirror, indexed.get());
            log.accept("apt: signed index refreshed " + age.get().toMinutes() + " min ago, reusing it (" + REFRESH_ENV + "=1 refreshes now)");
            return true;
        }
        ImageBuildException first = null;
        for (String suite : SUITE_NAMES) {
            writeSources(mirror, suite);
            log.accept("apt: refreshing the signed " + suite + "/" + ARCH + " index");
            try {
                Tools.run(apt("apt-get", "update"), root, Duration.ofMinutes(10), Map.of(), l -> log.accept("apt: " + withoutMirror(l)));
                String codename = releaseField(lists, suite, "Codename").orElse("none");
                if (!SUITE.equals(codename)) {
                    throw new ImageBuildException("the signed Release of " + suite + " names codename " + codename + ", not " + SUITE);
                }
                Files.writeString(root.resolve(REFRESH_STAMP), Instant.now() + "\n");
                return true;
            } catch (ImageBuildException e) {
                String why = withoutMirror(e.getMessage().lines().filter(l -> l.startsWith("E: ")).findFirst()
                        .orElse(e.getMessage().lines().findFirst().orElse("")));
                log.accept("apt: WARNING no index under " + suite + ": " + why);
                first = first == null ? new ImageBuildException(withoutMirror(e.getMessage()), e) : first;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Optional<String> kept = indexedSuite(lists);
            if (kept.isPresent()) {
                writeSources(mirror, kept.get());
                log.accept("apt: WARNING index refresh failed, using the last verified index (" + kept.get() + ")");
                return false;
            }
        }
        throw first;
    }

    private void writeSources(String mirror, String suite) {
        try {
            Files.writeString(root.resolve("etc/apt/sources.list.d/" + SUITE + ".sources"), String.join("\n",
                    "Types: deb", "URIs: " + mirror, "Suites: " + suite, "Components: main",
                    "Architectures: " + ARCH, "Signed-By: " + KEYRING, ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Time since the last successful refresh, from a stamp file written after it. */
    private Optional<Duration> indexAge() {
        try {
            Path stamp = root.resolve(REFRESH_STAMP);
            return Files.exists(stamp)
                    ? Optional.of(Duration.between(Files.getLastModifiedTime(stamp).toInstant(), Instant.now()))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The first of {@link #SUITE_NAMES} with a complete verified index in apt's lists directory
     * (its InRelease and its {@code main} Packages for {@link #ARCH}) whose Release names
     * {@link #SUITE} as the codename. apt commits an update's files together or not at all.
     */
    static Optional<String> indexedSuite(Path lists) {
        for (String suite : SUITE_NAMES) {
            if (SUITE.equals(releaseField(lists, suite, "Codename").orElse(null))
                    && listFile(lists, "_dists_" + suite + "_main_binary-" + ARCH + "_Packages").isPresent()) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }

    /** A field of the (apt-verified) InRelease apt keeps for {@code suite}, e.g. its Codename. */
    static Optional<String> releaseField(Path lists, String suite, String field) {
        return listFile(lists, "_dists_" + suite + "_InRelease").flatMap(f -> {
            try (var lines = Files.lines(f)) {
                return lines.filter(l -> l.startsWith(field + ": ")).map(l -> l.substring(field.length() + 2).strip()).findFirst();
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        });
    }

    /** The file in apt's lists directory whose name ends with {@code suffix} (perhaps with a compression extension). */
    private static Optional<Path> listFile(Path lists, String suffix) {
        try (var s = Files.list(lists)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(suffix) || name.contains(suffix + ".");
            }).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The package a virtual/meta package depends on, e.g. linux-image-riscv64 -> linux-image-6.12.x-riscv64. */
    String resolveDependency(String metaPackage, String prefix) {
        String out = Tools.run(apt("apt-cache", "depends", metaPackage), root, Duration.ofMinutes(1));
        return out.lines().map(String::strip).filter(l -> l.startsWith("Depends: " + prefix))
                .map(l -> l.substring("Depends: ".length()).strip()).findFirst()
                .orElseThrow(() -> new ImageBuildException(metaPackage + " has no dependency starting with " + prefix));
    }

    /** Resolves the candidate version of each package and downloads what is not cached. */
    List<DebianPackage> fetch(List<String> names) {
        Map<String, Map<String, String>> records = candidates(names);
        long total = 0;
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : records.entrySet()) {
            Map<String, String> r = e.getValue();
            if (!Files.isRegularFile(fileFor(r))) {
                missing.add(e.getKey() + "=" + r.get("Version"));
                total += Long.parseLong(r.get("Size"));
            }
        }
        if (!missing.isEmpty()) {
            log.accept(String.format("apt: downloading %d package(s), %.1f MB: %s", missing.size(), total / 1e6, missing));
            List<String> cmd = apt("apt-get", "download");
            cmd.addAll(missing);
            List<DownloadProgress.Expected> expected = records.values().stream().filter(r -> !Files.isRegularFile(fileFor(r)))
                    .map(r -> new DownloadProgress.Expected(fileFor(r), Long.parseLong(r.get("Size")))).toList();
            try (DownloadProgress progress = DownloadProgress.start(expected, log)) {
                Tools.run(cmd, debs, Duration.ofMinutes(30), Map.of(), l -> log.accept("apt: " + withoutMirror(l)));
            }
        } else {
            log.accept("apt: all " + names.size() + " packages cached in " + debs);
        }
        List<DebianPackage> result = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : records.entrySet()) {
            Map<String, String> r = e.getValue();
            Path file = fileFor(r);
            Sha256 expected = Sha256.parse(r.get("SHA256"));
            Sha256 actual = FileDigests.sha256(file);
            if (!actual.equals(expected)) {
                // A damaged cache entry: drop it, so the next build downloads it again.
                try {
                    Files.delete(file);
                } catch (IOException ignored) {
                    // reported below either way
                }
                throw new ImageBuildException(file + " has sha256 " + actual + " but the signed index says " + expected
                        + "; the file was removed from the cache, build again to download it");
            }
            result.add(new DebianPackage(e.getKey(), r.get("Version"), actual, Long.parseLong(r.get("Size")), file));
        }
        return result;
    }

    private Path fileFor(Map<String, String> record) {
        // The name apt-get download gives the file: the version's epoch colon escaped as %3a.
        return debs.resolve(record.get("Package") + "_" + record.get("Version").replace(":", "%3a") + "_"
                + record.get("Architecture") + ".deb");
    }

    /** The candidate record of each package, from one {@code apt-cache show} (it loads the index once). */
    private Map<String, Map<String, String>> candidates(List<String> names) {
        List<String> cmd = apt("apt-cache", "show", "--no-all-versions");
        cmd.addAll(names);
        String out = Tools.run(cmd, root, Duration.ofMinutes(1));
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        for (String stanza : out.split("\n\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : stanza.split("\n")) {
                int colon = line.indexOf(": ");
                if (colon > 0 && !line.startsWith(" ")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
            if (fields.containsKey("Package")) {
                byName.putIfAbsent(fields.get("Package"), fields);
            }
        }
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, String> fields = byName.get(name);
            for (String key : List.of("Package", "Version", "Architecture", "SHA256", "Size")) {
                if (fields == null || !fields.containsKey(key)) {
                    throw new ImageBuildException("apt-cache show " + name + " gave no " + key + " (is the package in "
                            + SUITE + "/" + ARCH + "?)");
                }
            }
            result.put(name, fields);
        }
        return result;
    }

    private List<String> apt(String tool, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool,
                "-o", "Dir=" + root,
                "-o", "Dir::State::status=" + root.resolve("var/lib/dpkg/status"),
                "-o", "Dir::Etc::trusted=/dev/null",
                "-o", "Dir::Etc::TrustedParts=/nonexistent",
                "-o", "APT::Architecture=" + ARCH,
                "-o", "APT::Architectures=" + ARCH,
                "-o", "APT::Sandbox::User=root",
                "-o", "Acquire::Retries=3",
                "-q"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static final Pattern URI = Pattern.compile("\\b[a-z][a-z0-9+.-]*://\\S+");

    /**
     * An apt output line for the build log with every URI replaced by {@code <mirror>}: apt's
     * {@code Get:} lines name the mirror, and the mirror's host name stays out of logs that CI
     * publishes.
     */
    static String withoutMirror(String aptLine) {
        return URI.matcher(aptLine).replaceAll("<mirror>");
    }
}
