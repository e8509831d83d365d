package io.trialboot.image;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What stage 0 runs besides busybox, from Debian's riscv64 packages (docs/verified-boot.md):
 * {@code openssl}, which checks every signature of the slot's chain, and {@code dmsetup}, which
 * maps the slot through dm-verity; with the shared libraries they load (their {@code NEEDED}
 * entries, transitively) and the dynamic loader their program headers name.
 */
final class Stage0Tools {
    /** The packages unpacked for the initramfs (into {@link ImageBuild#INITRAMFS_ROOT}, apart from the slots' root). */
    static final List<String> PACKAGES = List.of("openssl", "libssl3t64", "libzstd1", "zlib1g", "dmsetup",
            "libdevmapper1.02.1", "libselinux1", "libpcre2-8-0", "libudev1", "libcap2", "libc6");
    static final String MULTIARCH = "riscv64-linux-gnu";
    static final String LOADER = "ld-linux-riscv64-lp64d.so.1";
    static final List<String> LIBRARIES = List.of("libc.so.6", "libm.so.6", "libssl.so.3", "libcrypto.so.3", "libz.so.1",
            "libzstd.so.1", "libdevmapper.so.1.02.1", "libselinux.so.1", "libpcre2-8.so.0", "libudev.so.1", "libcap.so.2");
    /** Path in the initramfs to path in the unpacked packages (symbolic links are followed). */
    static final Map<String, String> LAYOUT = layout();

    private Stage0Tools() {}

    private static Map<String, String> layout() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bin/openssl", "usr/bin/openssl");
        m.put("bin/dmsetup", "usr/sbin/dmsetup");
        m.put("lib/" + LOADER, "usr/lib/" + MULTIARCH + "/" + LOADER);
        for (String lib : LIBRARIES) {
            m.put("lib/" + MULTIARCH + "/" + lib, "usr/lib/" + MULTIARCH + "/" + lib);
        }
        return Map.copyOf(m);
    }

    /** The files to add, initramfs path to bytes, read from {@code unpacked}. */
    static Map<String, byte[]> files(Path unpacked) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        LAYOUT.forEach((at, from) -> files.put(at, Initramfs.read(unpacked.resolve(from))));
        return files;
    }
}
