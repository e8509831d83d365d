package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.guest.BundleService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image assembly ({@link ImageBuild#assemble}: initramfs, keys, system sets, slot images, state
 * tree and disk, releases, delta, feed, hostile inputs, host check, media, build manifest) run twice
 * on small stand-ins for the unpacked Debian packages, into two work directories, with the inputs'
 * file times changed in between: every output file must be the same, byte for byte. The real
 * packages are not needed, so this runs in every {@code mvn verify}; scripts/repro-check proves two
 * whole clean builds alike (docs/reproducibility.md).
 */
class ImageAssemblyReproducibleTest {
    private static final Path SOURCES = Path.of("src/main");
    private static final String KERNEL = "6.12.0-test-riscv64";

    @TempDir
    Path dir;

    @Test
    void twoAssembliesGiveTheSameBytes() throws Exception {
        Path jars = guestJars(dir.resolve("guest-jars"));
        Map<String, String> one = assemble(dir.resolve("one"), jars, FileTime.fromMillis(0));
        Map<String, String> two = assemble(dir.resolve("two"), jars, FileTime.fromMillis(1_790_000_000_000L));
        assertTrue(one.size() > 40, "expected every output, the media and the system sets, got " + one.keySet());
        assertTrue(one.containsKey("out/disk.img") && one.containsKey("out/media.img")
                && one.containsKey("media/updates/feeds/stable.nxf"), one.keySet().toString());
        Map<String, String> differ = one.entrySet().stream().filter(e -> !e.getValue().equals(two.get(e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertEquals(Map.of(), differ, "outputs that differ between two assemblies of the same inputs");
        assertEquals(one.keySet(), two.keySet());
        everyModuleInTheInitramfsIsReduced(dir.resolve("one/work/out/initrd.img"));
    }

    /** Each module the initramfs carries lost the local labels no relocation names, kept those they name, and its signature. */
    private static void everyModuleInTheInitramfsIsReduced(Path initrd) throws IOException {
        List<String> modules = new ArrayList<>();
        try (CpioArchiveInputStream cpio = new CpioArchiveInputStream(Files.newInputStream(initrd))) {
            for (CpioArchiveEntry e = cpio.getNextEntry(); e != null; e = cpio.getNextEntry()) {
                if (!e.getName().endsWith(".ko")) {
                    continue;
                }
                modules.add(e.getName());
                byte[] bytes = cpio.readAllBytes();
                ModuleElf elf = ModuleElf.parse(e.getName(), bytes);
                List<String> names = elf.symbols().stream().map(ModuleElf.Symbol::name).toList();
                assertTrue(names.containsAll(RiscvModules.NAMED_LABELS) && names.contains("unreferenced_static"), e.getName() + ": " + names);
                assertEquals(List.of(), names.stream().filter(RiscvModules.UNNAMED_LABELS::contains).toList(), e.getName());
                assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).endsWith("~Module signature appended~\n"), e.getName());
            }
        }
        assertEquals(KernelModules.NEEDED.size() + KernelModules.USB_MEDIA.size(), modules.size(), modules.toString());
    }

    /** Lays out the stand-in unpacked packages (file times {@code time}), assembles, and hashes every output. */
    private static Map<String, String> assemble(Path run, Path jars, FileTime time) throws IOException {
        Path work = run.resolve("work");
        unpacked(work, time);
        // The stand-in JRE cannot run: the class archive is a stand-in too (ClassArchiveTest covers the list).
        ImageBuild build = new ImageBuild(run.resolve("out"), work, jars, SOURCES, run.resolve("cache"),
                (root, training, w) -> "stand-in class archive".getBytes(StandardCharsets.UTF_8));
        BuildStages stages = new BuildStages(ImageBuild.STAGES.size() - 1, System::nanoTime, line -> { });
        String key = "0".repeat(64);
        build.assemble(stages, List.of(), ModuleReduction.find(),
                List.of(new BuildCache.Input("stand-in", Sha256.of(key.getBytes(StandardCharsets.UTF_8)))), key);
        Map<String, String> hashes = new TreeMap<>();
        for (String sub : List.of("out", "media", "system", "images")) {
            try (Stream<Path> s = Files.walk(work.resolve(sub))) {
                for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    hashes.put(work.relativize(p).toString(), FileDigests.sha256(p).hex());
                }
            }
        }
        return hashes;
    }

    /** What {@code unpack} leaves: a kernel with the modules stage 0 loads, and a tiny root file system. */
    private static void unpacked(Path work, FileTime time) throws IOException {
        Path kernel = work.resolve(ImageBuild.KERNEL_ROOT);
        write(kernel.resolve("boot/vmlinux-" + KERNEL), "kernel", "rw-r--r--");
        Path modules = kernel.resolve("usr/lib/modules/" + KERNEL + "/kernel");
        for (String m : Stream.concat(KernelModules.NEEDED.stream(), KernelModules.USB_MEDIA.stream()).toList()) {
            Files.createDirectories(modules);
            Files.write(modules.resolve(m + ".ko"), RiscvModules.signed(work.resolve("module-sources"), m, ""));
        }
        Path rootfs = work.resolve(ImageBuild.ROOTFS);
        write(rootfs.resolve("usr/bin/busybox"), "busybox", "rwxr-xr-x");
        write(rootfs.resolve(GuestJdk.JAVA), "java", "rwxr-xr-x");
        write(rootfs.resolve(GuestJdk.HOME + "/lib/modules"), "jimage", "rw-r--r--");
        write(rootfs.resolve("usr/lib/riscv64-linux-gnu/libc.so.6"), "libc", "rw-r--r--");
        write(rootfs.resolve("usr/share/doc/libc6/copyright"), "dropped from the slot", "rw-r--r--");
        Files.createSymbolicLink(rootfs.resolve("usr/lib/riscv64-linux-gnu/libz.so.1"), Path.of("libc.so.6"));
        Path tools = work.resolve(ImageBuild.INITRAMFS_ROOT);
        for (String f : Stage0Tools.LAYOUT.values()) {
            write(tools.resolve(f), f, "rwxr-xr-x");
        }
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : (Iterable<Path>) s.filter(p -> !Files.isSymbolicLink(p))::iterator) {
                Files.setLastModifiedTime(p, time);
            }
        }
    }

    private static void write(Path file, String text, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    /** The guest jars the slot carries: the updater, which the demo bundle compiles against. */
    private static Path guestJars(Path jars) throws Exception {
        Path updater = Path.of(BundleService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(jars);
        if (Files.isDirectory(updater)) {
            Files.write(jars.resolve("updater.jar"), DemoBundle.jar(updater));
        } else {
            Files.copy(updater, jars.resolve("updater.jar"));
        }
        return jars;
    }
}
