package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.trialboot.guest.GuestMain;
import io.trialboot.guest.NxClient;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's JDK has one home, {@link GuestJdk}: no script or class of the project names its
 * directory, and the slot's scripts, run on the host under busybox in a slot root staged by
 * {@link SquashfsSlotBuilder} (chrooted in a user namespace), start the JDK the packages unpacked
 * with the options and class path the build wrote.
 */
class GuestJdkTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    /**
     * The guest's JDK as a script or class would name it: a directory of Debian's riscv64 JDKs, or
     * the package (scripts/bench-delta's host JDK package, a benchmark's input, is another one).
     */
    private static final Pattern JDK_NAMED = Pattern.compile("lib/jvm/|-openjdk-riscv64|" + Pattern.quote(GuestJdk.PACKAGE));
    /** The stub JDK's launcher: says it ran, then its arguments one a line. */
    private static final String STUB = "#!/bin/sh\necho \"the unpacked JDK's java\"\nfor a in \"$@\"; do echo \"$a\"; done\n";

    @TempDir
    Path dir;

    @Test
    void noScriptOrClassButGuestJdkNamesTheJdksDirectory() throws IOException {
        Path top = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(top.resolve("guest-image/src/main/slot")), "the repository's top: " + top);
        List<Path> trees = new ArrayList<>();
        try (Stream<Path> s = Files.list(top)) {
            s.map(m -> m.resolve("src")).filter(Files::isDirectory).forEach(trees::add);
        }
        trees.add(top.resolve("scripts"));
        List<String> naming = new ArrayList<>();
        int read = 0;
        for (Path tree : trees) {
            try (Stream<Path> s = Files.walk(tree)) {
                for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    String name = f.getFileName().toString();
                    if (name.equals("GuestJdk.java") || name.equals("GuestJdkTest.java") || !text(f)) {
                        continue;
                    }
                    read++;
                    if (JDK_NAMED.matcher(Files.readString(f, StandardCharsets.ISO_8859_1)).find()) {
                        naming.add(top.relativize(f).toString());
                    }
                }
            }
        }
        assertTrue(read > 300, "read only " + read + " files under " + trees);
        assertEquals(List.of(), naming, "files naming the guest's JDK directory or package, which only GuestJdk names");
    }

    @Test
    void nxStartsTheUnpackedJdkWithTheSlotsOptionsAndClassPath() throws Exception {
        Path root = stagedSlot();
        List<String> expected = new ArrayList<>(List.of("the unpacked JDK's java"));
        expected.addAll(jvmOptions(root));
        expected.addAll(List.of("-cp", "/" + SlotFiles.LIB + "/updater.jar", NxClient.class.getName(), "status", "--json"));
        assertEquals(expected, run(root, "/usr/bin/nx", "status", "--json"));
    }

    @Test
    void trialbootInitStartsTheUnpackedJdkWithTheSlotsOptionsAndClassPath() throws Exception {
        Path root = stagedSlot();
        List<String> expected = new ArrayList<>(List.of("the unpacked JDK's java"));
        expected.addAll(jvmOptions(root));
        expected.addAll(List.of("-cp", "/" + SlotFiles.LIB + "/updater.jar", GuestMain.class.getName(),
                Marker.SLOT_INIT_STOPPED.line()));
        // The stub exits 0, so init goes on to a shell (stdin is empty: it ends), never to its reboot.
        assertEquals(expected, run(root, "/usr/sbin/trialboot-init"));
    }

    /** The slot's JVM options as the JVM gets them: the one line the build wrote, split at blanks. */
    private static List<String> jvmOptions(Path root) throws IOException {
        List<String> options = List.of(Files.readString(root.resolve(SlotFiles.JVM_OPTIONS)).strip().split(" +"));
        assertTrue(options.containsAll(SquashfsSlotBuilder.JVM_OPTIONS), options.toString());
        return options;
    }

    /** A slot root staged from unpacked packages holding only busybox and a stub JDK at {@link GuestJdk#JAVA}. */
    private Path stagedSlot() throws IOException {
        assumeTrue(Files.isExecutable(BUSYBOX), "host busybox missing (scripts/bootstrap installs it)");
        Path unpacked = dir.resolve("unpacked");
        Files.createDirectories(unpacked.resolve(GuestJdk.JAVA).getParent());
        Files.writeString(unpacked.resolve(GuestJdk.JAVA), STUB);
        unpacked.resolve(GuestJdk.JAVA).toFile().setExecutable(true, false);
        Path jar = Files.writeString(dir.resolve("updater.jar"), "jar");
        Path systemSet = Files.writeString(dir.resolve("system.nxs"), "set");
        Path root = dir.resolve("root");
        SquashfsSlotBuilder.stage(unpacked, BUSYBOX, Path.of("src/main"), List.of(jar), "1.0.0", systemSet, root);
        StableTree.normalize(root);
        return root;
    }

    /**
     * Runs {@code command} chrooted into {@code root} in new user, mount and PID namespaces (so
     * nothing it does reaches the host, not even a reboot): its standard output's lines.
     */
    private static List<String> run(Path root, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork",
                "chroot", root.toString()));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running: " + argv);
        return out.lines().toList();
    }

    private static boolean text(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return dot < 0 || List.of("java", "sh", "xml", "properties", "txt", "md", "conf", "json").contains(ext);
    }
}
