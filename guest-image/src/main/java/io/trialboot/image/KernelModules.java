package io.trialboot.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.tukaani.xz.XZInputStream;

/**
 * The kernel modules stage 0 loads, decompressed and in dependency order. Debian's package has
 * no modules.dep (depmod runs in its postinst), so dependencies are read from each module's
 * {@code .modinfo} {@code depends=} entry.
 */
final class KernelModules {
    /** What stage 0 needs: virtio disks (PCI and MMIO transports), squashfs slots, the ext4 state (its checksums need crc32c, which the kernel asks the crypto API for, not a module dependency), entropy, and dm-verity (with dm-mod, dm-bufio and reed_solomon from its .modinfo) to map the slots. */
    static final List<String> NEEDED = List.of("virtio_mmio", "virtio_blk", "virtio-rng", "squashfs", "crc32c_generic", "libcrc32c", "ext4",
            "dm-verity");
    /**
     * Loaded only on a machine with an xHCI USB controller (the harness adds one to hot-plug update
     * media as a USB stick): xHCI, USB mass storage and SCSI disks, with their dependencies.
     */
    static final List<String> USB_MEDIA = List.of("xhci-pci", "usb-storage", "sd_mod");

    record Module(String name, byte[] elf) {}

    /**
     * What the initramfs carries: the kernel's release (modprobe's directory under /lib/modules), the
     * modules of every boot in load order, and USB media's not among them.
     */
    record ForInitramfs(String release, List<Module> everyBoot, List<Module> usb) {
        ForInitramfs {
            if (!release.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) {
                throw new ImageBuildException("kernel release '" + release + "' is not one path segment");
            }
        }
    }

    private KernelModules() {}

    /**
     * {@link #NEEDED} and {@link #USB_MEDIA} with their dependencies out of the kernel package's
     * {@code modulesRoot}, reduced by {@code reduction} ({@code scratch} its work directory).
     */
    static ForInitramfs forInitramfs(Path modulesRoot, ModuleReduction reduction, Path scratch, Consumer<String> log) {
        List<Module> everyBoot = resolve(modulesRoot, NEEDED);
        List<String> names = everyBoot.stream().map(Module::name).toList();
        List<Module> usb = resolve(modulesRoot, USB_MEDIA).stream().filter(m -> !names.contains(m.name())).toList();
        log.accept("initramfs: " + everyBoot.size() + " modules " + names + " + for USB media "
                + usb.stream().map(Module::name).toList());
        List<Module> reduced = reduction.reduce(Stream.concat(everyBoot.stream(), usb.stream()).toList(), scratch, log);
        return new ForInitramfs(modulesRoot.getFileName().toString(), reduced.subList(0, everyBoot.size()),
                reduced.subList(everyBoot.size(), reduced.size()));
    }

    /**
     * {@code modules.dep} for busybox's modprobe, of {@code modules} in their load order: a line a
     * module, {@code <name>.ko:} and every module it needs (transitively), the one to load first last
     * (modprobe loads a line's modules from its end).
     */
    static String modulesDep(List<Module> modules) {
        Map<String, Integer> order = new LinkedHashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            order.put(key(modules.get(i).name()), i);
        }
        StringBuilder out = new StringBuilder();
        for (Module m : modules) {
            Set<Integer> needs = new TreeSet<>(Comparator.reverseOrder());
            List<String> todo = new ArrayList<>(depends(m.elf()));
            while (!todo.isEmpty()) {
                String dep = key(todo.remove(todo.size() - 1));
                Integer at = order.get(dep);
                if (at == null) {
                    throw new ImageBuildException("kernel module " + m.name() + " needs " + dep + ", which the initramfs does not carry");
                }
                if (needs.add(at)) {
                    todo.addAll(depends(modules.get(at).elf()));
                }
            }
            out.append(m.name()).append(".ko:");
            needs.forEach(i -> out.append(' ').append(modules.get(i).name()).append(".ko"));
            out.append('\n');
        }
        return out.toString();
    }

    static List<Module> resolve(Path modulesRoot, List<String> wanted) {
        Map<String, Path> index = index(modulesRoot);
        Map<String, Module> loaded = new LinkedHashMap<>();
        for (String name : wanted) {
            add(name, index, loaded, new LinkedHashSet<>());
        }
        return new ArrayList<>(loaded.values());
    }

    private static String key(String name) {
        return name.replace('-', '_');
    }

    private static void add(String name, Map<String, Path> index, Map<String, Module> out, Set<String> path) {
        String key = key(name);
        if (out.containsKey(key)) {
            return;
        }
        if (!path.add(key)) {
            throw new ImageBuildException("kernel module dependency cycle: " + path);
        }
        Path file = index.get(key);
        if (file == null) {
            throw new ImageBuildException("kernel module " + name + " not found in " + index.size() + " modules");
        }
        byte[] elf = decompress(file);
        for (String dep : depends(elf)) {
            add(dep, index, out, path);
        }
        out.put(key, new Module(file.getFileName().toString().replaceAll("\\.ko(\\.xz)?$", ""), elf));
    }

    private static Map<String, Path> index(Path modulesRoot) {
        Map<String, Path> index = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(modulesRoot)) {
            s.filter(p -> p.toString().endsWith(".ko.xz") || p.toString().endsWith(".ko")).sorted().forEach(p -> index.put(
                    key(p.getFileName().toString().replaceAll("\\.ko(\\.xz)?$", "")), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return index;
    }

    private static byte[] decompress(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".xz") ? new XZInputStream(raw) : raw) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel module " + file, e);
        }
    }

    /** The {@code depends=} value from the module's .modinfo strings (NUL-separated key=value). */
    static List<String> depends(byte[] elf) {
        byte[] needle = "depends=".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length < elf.length; i++) {
            if (i > 0 && elf[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (elf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            int end = i + needle.length;
            while (end < elf.length && elf[end] != 0) {
                end++;
            }
            String value = new String(elf, i + needle.length, end - i - needle.length, StandardCharsets.US_ASCII);
            return value.isEmpty() ? List.of() : List.of(value.split(","));
        }
        return List.of();
    }
}
