package io.trialboot.image;

import io.trialboot.guest.SlotRelease;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One slot's root filesystem as a squashfs image: the JRE and its libraries from the Debian
 * packages, busybox, the trialboot jars, the slot's init, {@code /etc/trialboot-release} and the
 * release's signed system set at {@code /opt/trialboot/system/system.nxs}.
 * Built reproducibly (all files root-owned, modes normalized by {@link StableTree}, timestamps 0).
 * The releases share all but their {@link #RELEASE_DIRS}: that common part is squashed once
 * ({@link #squashCommon}) and each release's image is a copy of it with the release's own
 * directories appended ({@link #appendRelease}), so the 200 MB of JRE are compressed once, not once
 * a release.
 * lz4, not xz or zstd: the guest reads the JRE cold on every boot under emulation, and lz4
 * decompresses several times faster (86.8 MB of squashfs instead of 65.3 MB with zstd, well inside
 * the 192 MiB slot; docs/architecture.md).
 * The JDK comes from {@link GuestJdk}, linked as {@code /usr/bin/java}: the slot's scripts start that.
 */
final class SquashfsSlotBuilder {
    /**
     * What of the unpacked packages the slot leaves out (relative to its root), each never read in the
     * guest: docs, manuals, lintian overrides and debug links; and the JDK's default class archive for
     * a heap without compressed oops, which HotSpot maps only when compressed oops are off (a heap of
     * 32 GB or more): the guest's JVM runs with {@code -Xmx192m} and maps {@link ClassArchive#ARCHIVE},
     * a plain {@code java} the JDK's {@code classes.jsa} (kept). It would cost 15 MB (4.8 MB in lz4) in
     * every slot image and every full apply.
     */
    static final List<String> LEFT_OUT = List.of("usr/share/doc", "usr/share/man", "usr/share/lintian", "usr/lib/debug",
            GuestJdk.HOME + "/lib/server/classes_nocoops.jsa");
    /** Busybox applets linked in the slot, for the person at the console and the init script. */
    static final List<String> APPLETS = List.of("sh", "ash", "mount", "umount", "ls", "cat", "echo", "mkdir", "rm",
            "mv", "cp", "dd", "sha256sum", "sync", "reboot", "poweroff", "hostname", "sleep", "ps", "free", "df", "du",
            "grep", "sed", "awk", "head", "tail", "tr", "setsid", "cttyhack", "uname", "dmesg", "vi", "less", "find",
            "xargs", "wc", "stat", "ln", "chmod", "date", "env", "kill", "id", "hexdump", "od", "printf", "true",
            "false", "test", "[", "time", "blockdev", "touch", "tee", "cmp", "clear");
    /**
     * The JDK's selector provider on Linux, named so that the first socket (updated's, before
     * {@code updated: ready}) takes it without {@code ServiceLoader} looking for another in every jar
     * on the class path: that lookup opened the three jars, which nothing else at boot opens (the
     * class archive holds their classes), and read their central directories (≈ 0.05 s of the lab's
     * 0.46 s start-up, docs/benchmarks.md). What {@code SelectorProvider.provider()} returns without
     * the property; a JDK without the class fails the image build's training boot.
     */
    static final String SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";
    /**
     * JVM flags chosen for start-up time under TCG emulation (see docs/architecture.md); the slot's
     * jvm.options adds {@link ClassArchive#RUNTIME_OPTIONS}. When C1 compiles is {@link GuestJit}'s:
     * the boot's run-once code stays interpreted, an apply's hot loops compile as soon as before.
     */
    static final List<String> JVM_OPTIONS = Stream.of(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            GuestJit.OPTIONS, List.of("-Xshare:auto", "-XX:-UsePerfData", "-Xss512k", "-Xmx192m",
                    "-Djava.security.egd=file:/dev/urandom", "-Djava.nio.channels.spi.SelectorProvider=" + SELECTOR_PROVIDER))
            .flatMap(List::stream).toList();

    /**
     * What changes from one release to the next (the release file, the signed system set and its
     * bundles), written after everything else in the image's data ({@code mksquashfs -sort}, the
     * lowest priority last): the rest keeps its offsets from release to release, so a data-only
     * delta copies it in whole, aligned 4 KiB blocks, whose dm-verity leaf digests the device takes
     * from the base's tree instead of hashing them (docs/delta.md, "Reusing the base tree's leaf digests").
     */
    static final List<String> RELEASE_LAST = List.of(SlotFiles.RELEASE, SlotFiles.SYSTEM_DIR);
    /**
     * The slot root's top-level directories that hold everything a release changes (all of
     * {@link #RELEASE_LAST}) and are small: appended whole to a copy of the common image, as
     * mksquashfs can add a top-level entry to an image but not merge into a directory it holds
     * (an existing {@code etc} would come back as {@code etc_1}).
     */
    static final List<String> RELEASE_DIRS = List.of("etc", "opt");
    private static final List<String> SQUASH_OPTIONS = List.of("-all-root", "-mkfs-time", "0", "-all-time", "0",
            "-reproducible", "-no-progress", "-quiet");

    private SquashfsSlotBuilder() {}

    /** Assembles the whole root tree in {@code staging} from the unpacked packages and our files. */
    static void stage(Path unpackedRoot, Path busybox, Path sources, List<Path> guestJars, String version,
            Path systemSet, Path staging) {
        stageCommon(unpackedRoot, busybox, sources, staging);
        stageRelease(unpackedRoot, guestJars, version, systemSet, staging);
    }

    /** The part of the root tree every release shares: all but {@link #RELEASE_DIRS}. */
    static void stageCommon(Path unpackedRoot, Path busybox, Path sources, Path staging) {
        try {
            copyTree(unpackedRoot, staging, top -> !RELEASE_DIRS.contains(top));
            for (String drop : LEFT_OUT) {
                deleteTree(staging.resolve(drop));
            }
            for (String d : Stream.of(List.of("usr/bin", "usr/sbin", "root"), SlotFiles.MOUNT_POINTS).flatMap(List::stream).toList()) {
                Files.createDirectories(staging.resolve(d));
            }
            // Debian trixie is merged-/usr; the dynamic linker path in binaries is /lib/ld-linux-*.
            for (String link : List.of("bin", "sbin", "lib")) {
                Files.createSymbolicLink(staging.resolve(link), Path.of("usr/" + link));
            }
            Files.copy(busybox, staging.resolve("usr/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
            for (String applet : APPLETS) {
                Path link = staging.resolve("usr/bin/" + applet);
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of("busybox"));
                }
            }
            if (!Files.isRegularFile(staging.resolve(GuestJdk.JAVA), LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageBuildException("the unpacked packages hold no /" + GuestJdk.JAVA + ": does "
                        + GuestJdk.PACKAGE + " put its JDK elsewhere? (GuestJdk.HOME names where)");
            }
            Files.createSymbolicLink(staging.resolve(GuestJdk.COMMAND), Path.of("/" + GuestJdk.JAVA));
            SlotScripts.stage(sources, staging);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A release's own part of the root tree, {@link #RELEASE_DIRS}: the unpacked packages' and ours. */
    static void stageRelease(Path unpackedRoot, List<Path> guestJars, String version, Path systemSet, Path staging) {
        try {
            copyTree(unpackedRoot, staging, RELEASE_DIRS::contains);
            for (String d : List.of(SlotFiles.LIB, SlotFiles.SYSTEM_DIR, "etc")) {
                Files.createDirectories(staging.resolve(d));
            }
            List<String> classpath = new ArrayList<>();
            for (Path jar : guestJars) {
                String inSlot = SlotFiles.LIB + "/" + jar.getFileName();
                Files.copy(jar, staging.resolve(inSlot));
                classpath.add("/" + inSlot);
            }
            write(staging.resolve(SlotFiles.CLASSPATH), String.join(":", classpath) + "\n");
            write(staging.resolve(SlotFiles.JVM_OPTIONS),
                    String.join(" ", Stream.concat(JVM_OPTIONS.stream(), ClassArchive.RUNTIME_OPTIONS.stream()).toList()) + "\n");
            write(staging.resolve(GuestJit.COMMANDS), GuestJit.commands());
            Files.copy(systemSet, staging.resolve(SlotFiles.SYSTEM_SET));
            write(staging.resolve(SlotFiles.RELEASE), SlotRelease.text(version));
            write(staging.resolve("etc/hostname"), SlotFiles.HOSTNAME + "\n");
            write(staging.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            write(staging.resolve("etc/group"), "root:x:0:\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The common image: mksquashfs of {@code staging} without its {@link #RELEASE_DIRS}, which
     * {@link #appendRelease} adds to a copy of it.
     */
    static void squashCommon(Path staging, Path common) {
        try {
            Files.deleteIfExists(common);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StableTree.normalize(staging);
        List<String> command = new ArrayList<>(List.of("mksquashfs", staging.toString(), common.toString(), "-noappend",
                "-comp", "lz4", "-Xhc"));
        command.addAll(SQUASH_OPTIONS);
        command.add("-e");
        command.addAll(RELEASE_DIRS);
        Tools.run(command, staging.getParent(), Duration.ofMinutes(15));
    }

    /**
     * A slot image: a copy of {@code common} with the {@link #RELEASE_DIRS} of {@code staging}
     * appended (the same compression, read from the image), the {@link #RELEASE_LAST} files last of
     * all, then the dm-verity tree after the data (docs/verified-boot.md). Every release's image
     * keeps the common part's bytes at the same offsets, and a data-only delta copies them whole.
     */
    static void appendRelease(Path common, Path staging, Path image, Consumer<String> log) {
        try {
            Files.copy(common, image, StandardCopyOption.REPLACE_EXISTING);
            for (String top : RELEASE_DIRS) {
                if (!Files.isDirectory(staging.resolve(top), LinkOption.NOFOLLOW_LINKS)) {
                    throw new ImageBuildException("a release's part of the slot root lacks its " + top + "/ in " + staging);
                }
            }
            try (Stream<Path> s = Files.list(staging)) {
                List<Path> other = s.filter(p -> !RELEASE_DIRS.contains(p.getFileName().toString())).toList();
                if (!other.isEmpty()) {
                    throw new ImageBuildException("a release's part of the slot root holds more than "
                            + RELEASE_DIRS + ": " + other);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StableTree.normalize(staging);
        Path sort = staging.resolveSibling(image.getFileName() + ".sort");
        try {
            Files.writeString(sort, RELEASE_LAST.stream().map(p -> p + " -1\n").collect(Collectors.joining()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("mksquashfs", staging.toString(), image.toString(), "-no-recovery"));
        command.addAll(SQUASH_OPTIONS);
        command.addAll(List.of("-sort", sort.toString()));
        Tools.run(command, staging.getParent(), Duration.ofMinutes(15));
        try {
            VerityParams v = VerityImage.append(image);
            log.accept("slot image " + image.getFileName() + ": verity tree of " + v.treeSize() + " bytes at "
                    + v.treeOffset() + ", root hash " + v.rootHash().hex());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    /** Copies the tree {@code from} to {@code to}, only the top-level entries whose name {@code top} accepts. */
    static void copyTree(Path from, Path to, Predicate<String> top) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : (Iterable<Path>) s::iterator) {
                Path rel = from.relativize(src);
                if (rel.toString().isEmpty() || !top.test(rel.getName(0).toString())) {
                    continue;
                }
                Path dst = to.resolve(rel.toString());
                if (Files.isSymbolicLink(src)) {
                    Files.createDirectories(dst.getParent());
                    Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
                } else if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
