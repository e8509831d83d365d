package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    private static byte[] modinfo(String... entries) {
        return ("\0ELF junk\0" + String.join("\0", entries) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsTheDependsEntryOfModinfo() {
        assertEquals(List.of("jbd2", "mbcache", "crc16"), KernelModules.depends(modinfo("license=GPL", "depends=jbd2,mbcache,crc16", "name=ext4")));
    }

    @Test
    void anEmptyDependsMeansNone() {
        assertEquals(List.of(), KernelModules.depends(modinfo("depends=", "name=squashfs")));
    }

    @Test
    void aDependsInsideAnotherStringIsNotAnEntry() {
        assertEquals(List.of(), KernelModules.depends(modinfo("description=xdepends=fake")));
    }

    /** Writes {@code name.ko} under {@code dir/sub} with its {@code depends=}. */
    private static void ko(Path dir, String sub, String name, String depends) throws Exception {
        Files.createDirectories(dir.resolve(sub));
        Files.write(dir.resolve(sub).resolve(name + ".ko"), modinfo("depends=" + depends, "name=" + name));
    }

    @Test
    void modulesResolveWithTheirDependenciesFirstEachOnce(@TempDir Path dir) throws Exception {
        ko(dir, "fs/ext4", "ext4", "jbd2,mbcache,crc16");
        ko(dir, "fs/jbd2", "jbd2", "");
        ko(dir, "fs", "mbcache", "");
        ko(dir, "lib", "crc16", "");
        ko(dir, "drivers/md", "dm-mod", "");
        ko(dir, "drivers/md", "dm-bufio", "dm-mod");
        ko(dir, "lib", "reed_solomon", "");
        ko(dir, "drivers/md", "dm-verity", "dm-mod,reed_solomon,dm-bufio");
        ko(dir, "drivers/block", "virtio_blk", "");
        assertEquals(List.of("virtio_blk", "jbd2", "mbcache", "crc16", "ext4", "dm-mod", "reed_solomon", "dm-bufio", "dm-verity"),
                KernelModules.resolve(dir, List.of("virtio_blk", "ext4", "dm_verity", "jbd2")).stream()
                        .map(KernelModules.Module::name).toList(), "dash and underscore name the same module");
    }

    @Test
    void aMissingModuleOrACycleIsRefused(@TempDir Path dir) throws Exception {
        ko(dir, "a", "ext4", "jbd2");
        assertTrue(assertThrows(ImageBuildException.class, () -> KernelModules.resolve(dir, List.of("ext4"))).getMessage()
                .contains("kernel module jbd2 not found"));
        ko(dir, "a", "jbd2", "ext4");
        assertTrue(assertThrows(ImageBuildException.class, () -> KernelModules.resolve(dir, List.of("ext4"))).getMessage()
                .contains("kernel module dependency cycle"));
    }

    private static KernelModules.Module module(String name, String depends) {
        return new KernelModules.Module(name, modinfo("depends=" + depends, "name=" + name));
    }

    @Test
    void modulesDepListsEachModulesNeedsTransitivelyTheFirstToLoadLast() {
        List<KernelModules.Module> modules = List.of(module("virtio_blk", ""), module("dm-mod", ""), module("reed_solomon", ""),
                module("dm-bufio", "dm-mod"), module("dm-verity", "dm_bufio,reed_solomon"));
        assertEquals("virtio_blk.ko:\ndm-mod.ko:\nreed_solomon.ko:\ndm-bufio.ko: dm-mod.ko\n"
                + "dm-verity.ko: dm-bufio.ko reed_solomon.ko dm-mod.ko\n", KernelModules.modulesDep(modules));
    }

    @Test
    void modulesDepRefusesADependencyTheInitramfsDoesNotCarry() {
        assertTrue(assertThrows(ImageBuildException.class, () -> KernelModules.modulesDep(List.of(module("ext4", "jbd2"))))
                .getMessage().contains("kernel module ext4 needs jbd2, which the initramfs does not carry"));
    }

    @Test
    void aKernelReleaseIsOnePathSegment() {
        assertThrows(ImageBuildException.class, () -> new KernelModules.ForInitramfs("../etc", List.of(), List.of()));
        assertEquals("6.12.117+deb13-riscv64", new KernelModules.ForInitramfs("6.12.117+deb13-riscv64", List.of(), List.of()).release());
    }
}
