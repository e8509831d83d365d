package io.trialboot.image;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.guest.GuestMain;
import io.trialboot.guest.GuestPaths;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The slot's AppCDS archive ({@link #ARCHIVE}): the classes the guest services load at boot, parsed,
 * verified and laid out at image-build time, so the guest's JVM maps them instead of loading them
 * under emulation (docs/benchmarks.md, "Boot"). The JRE is riscv64, so both runs below use the
 * slot's own JVM under {@value #QEMU} (qemu-user-static), chrooted into a staged slot inside a user
 * and mount namespace ({@code unshare}), where every path is the one the guest sees:
 * <ol>
 *   <li>training: stage 0's {@code bootselect.sh} records a boot in a factory state tree, then
 *       {@code GuestMain} boots on it with the guest's JVM options and
 *       {@code -XX:DumpLoadedClassList}, to {@code updated: ready} and the console, which ends at
 *       the end of its input; the build fails if it does not reach {@code updated: ready}. Its
 *       start-up runs serially ({@link GuestMain#SERIAL_START}): with the checks on their own
 *       threads, the classes loaded depended on how the threads met (a contended
 *       {@code ConcurrentHashMap} loads {@code ThreadLocalRandom}), and two builds' lists differed;</li>
 *   <li>the list, minus comments, ids and classes of other class loaders (the bundles'), plus the
 *       classes of an update's apply ({@link #applyClasses}: the delta applier and the LZMA2
 *       decoder, which a boot does not load), sorted ({@link #classList});</li>
 *   <li>{@code -Xshare:dump} of that list (G1, so the heap objects and module graph are archived too;
 *       the guest maps them with SerialGC), then a {@code -Xshare:on} start with the guest's options,
 *       which fails the build if the guest's JVM would not take the archive.</li>
 * </ol>
 * The dump is deterministic (the same list and jars give the same bytes; scripts/repro-check).
 */
final class ClassArchive {
    /** The archive in the slot, relative to its root. */
    static final String ARCHIVE = "opt/trialboot/classes.jsa";
    /** Where the training boot's JVM writes the classes it loaded, in the state partition (the guest's). */
    static final String DUMPED = "classes.lst";
    /** The class list the archive was dumped from, kept in the build's work directory. */
    static final String LIST = "class-archive.txt";
    /** Added to the guest's JVM options: map the archive, at the address it was dumped for. */
    static final List<String> RUNTIME_OPTIONS = List.of("-XX:SharedArchiveFile=/" + ARCHIVE,
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
    static final String QEMU = "qemu-riscv64-static";
    static final String MAIN = GuestMain.class.getName();
    /** The guest's /proc/cpuinfo as far as HotSpot reads it (the MMU mode; QEMU's virt machine). */
    static final String CPUINFO = "processor\t: 0\nhart\t\t: 0\n"
            + "isa\t\t: rv64imafdch_zicntr_zicsr_zifencei_zihintpause_zihpm_zca_zcd_zba_zbb_zbc_zbs_sstc\nmmu\t\t: sv48\n\n";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    /** The packages of {@link #applyClasses}: archived whole, though a boot loads none of them. */
    static final List<String> APPLY_PACKAGES = List.of("io/trialboot/apply/", "io/trialboot/delta/",
            "io/trialboot/verity/", "org/tukaani/xz/");

    /** What the training boot needs besides the staged slot. */
    record Training(Path state, Map<String, byte[]> anchor, Path bootselect, String kernelCmdline) {}

    /** Makes the archive for a staged slot root (the image build's seam; see ImageAssemblyReproducibleTest). */
    interface Maker {
        byte[] make(Path root, Training training, Path work);
    }

    private ClassArchive() {}

    /** The real maker: trains, dumps and checks under qemu-user; returns the archive's bytes. */
    static byte[] dump(Path root, Training training, Path work) {
        try {
            Path qemu = qemu();
            Path files = Files.createDirectories(work.resolve("files"));
            for (String d : List.of("proc", Initramfs.ANCHOR, "tmp")) {
                Files.createDirectories(files.resolve(d));
            }
            Files.writeString(files.resolve("proc/cmdline"), training.kernelCmdline() + "\n");
            Files.writeString(files.resolve("proc/cpuinfo"), CPUINFO);
            for (Map.Entry<String, byte[]> anchored : new TreeMap<>(training.anchor()).entrySet()) {
                Files.write(files.resolve(Initramfs.ANCHOR).resolve(anchored.getKey()), anchored.getValue());
            }
            Files.copy(qemu, files.resolve("tmp/qemu"));
            Files.copy(training.bootselect(), files.resolve("tmp/bootselect.sh"));
            // The jars' times as in the squashfs (0): the archive records and checks them.
            StableTree.normalize(root);

            List<String> classpath = List.of(Files.readString(root.resolve(SlotFiles.CLASSPATH)).strip());
            List<String> java = List.of("/tmp/qemu", "/" + GuestJdk.JAVA);
            GuestPaths guestPaths = GuestPaths.guest();
            String boot = "/tmp/qemu /usr/bin/busybox sh -c 'BOOTSELECT_MAX_FAILED_STARTS="
                    + BootControlFile.MAX_FAILED_STARTS + " && . /tmp/bootselect.sh && bootselect "
                    + guestPaths.bootControl() + "'";
            String guest = String.join(" ", concat(java, SquashfsSlotBuilder.JVM_OPTIONS,
                    List.of("-XX:DumpLoadedClassList=" + guestPaths.state().resolve(DUMPED),
                            "-D" + GuestMain.SERIAL_START + "=true", "-cp"),
                    classpath, List.of(MAIN)));
            String out = inNamespace(root, training.state(), files, List.of(boot, guest + " </dev/null"), work);
            if (!out.contains(Marker.UPDATED_READY.line())) {
                throw new ImageBuildException("class archive: the training boot did not reach '"
                        + Marker.UPDATED_READY.line() + "' (see the lines above)");
            }
            List<String> list = classList(concat(Files.readAllLines(training.state().resolve(DUMPED)),
                    applyClasses(root, classpath.get(0))));
            Files.write(files.resolve("tmp/classes.txt"), list);
            Files.write(work.resolveSibling(LIST), list); // kept beside the build's work: what the archive holds

            String dump = String.join(" ", concat(java, List.of("-Xshare:dump", "-XX:+UseG1GC", maxHeap(),
                    "-XX:SharedClassListFile=/tmp/classes.txt", "-XX:SharedArchiveFile=/" + ARCHIVE, "-cp"), classpath));
            String check = String.join(" ", concat(java, SquashfsSlotBuilder.JVM_OPTIONS, RUNTIME_OPTIONS,
                    List.of("-Xshare:on", "-cp"), classpath, List.of("-version")));
            inNamespace(root, training.state(), files, List.of(dump + " >/dev/null", check), work);
            byte[] archive = Files.readAllBytes(root.resolve(ARCHIVE));
            Files.delete(root.resolve(ARCHIVE));
            ImageBuild.log("class archive: " + list.size() + " classes and lambda forms, " + archive.length + " bytes");
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The dump's class list from {@code -XX:DumpLoadedClassList} output: without comments, without
     * the ids, without classes from other loaders ({@code source:} lines: the bundles' jars, which
     * only exist at run time), sorted and unique.
     */
    static List<String> classList(List<String> dumped) {
        return dumped.stream().filter(l -> !l.isBlank() && !l.startsWith("#") && !l.contains(" source: "))
                .map(l -> l.replaceFirst(" id: \\d+$", "")).sorted().distinct().toList();
    }

    /**
     * The classes an update's apply loads and a boot does not (the training boot applies none):
     * the delta applier, the verity tree it rebuilds, the slot writer and the LZMA2 decoder, as the
     * slot's jars on {@code classpath} (paths in the slot) hold them, in the class list's form.
     */
    static List<String> applyClasses(Path root, String classpath) throws IOException {
        List<String> names = new ArrayList<>();
        for (String jar : classpath.split(":")) {
            try (JarFile j = new JarFile(root.resolve(jar.substring(1)).toFile())) {
                j.stream().map(JarEntry::getName).forEach(names::add);
            }
        }
        return applyClasses(names);
    }

    /** Of the jar entries {@code names}, the classes of {@link #APPLY_PACKAGES}, as class-list lines. */
    static List<String> applyClasses(List<String> names) {
        return names.stream().filter(n -> n.endsWith(".class") && APPLY_PACKAGES.stream().anyMatch(n::startsWith))
                .map(n -> n.substring(0, n.length() - ".class".length())).toList();
    }

    /**
     * Runs {@code commands} one after the other, each chrooted into {@code root} under a user and
     * mount namespace where {@code /dev} is the host's and {@code /proc}, {@code /run}, {@code /tmp}
     * and the state partition's mount point ({@link Initramfs#STATE}) are the given directories;
     * returns their output.
     */
    private static String inNamespace(Path root, Path state, Path files, List<String> commands, Path work) {
        StringBuilder script = new StringBuilder("set -eu\nmount --rbind /dev " + q(root.resolve("dev")) + "\n");
        for (String d : List.of("proc", "run", "tmp")) {
            script.append("mount --bind ").append(q(files.resolve(d))).append(' ').append(q(root.resolve(d))).append('\n');
        }
        script.append("mount --bind ").append(q(state)).append(' ').append(q(root.resolve(Initramfs.STATE))).append('\n');
        for (String c : commands) {
            script.append("chroot ").append(q(root)).append(' ').append(c).append('\n');
        }
        return Tools.run(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script.toString()), work,
                TIMEOUT, Map.of(), line -> ImageBuild.log("class archive: " + line));
    }

    private static Path qemu() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, QEMU);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new ImageBuildException("class archive: " + QEMU + " not found (Debian package qemu-user-static;"
                + " scripts/bootstrap installs it): the slot's JVM is riscv64");
    }

    private static String maxHeap() {
        return SquashfsSlotBuilder.JVM_OPTIONS.stream().filter(o -> o.startsWith("-Xmx")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the guest's JVM options set no -Xmx"));
    }

    private static String q(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).collect(Collectors.toCollection(ArrayList::new));
    }
}
