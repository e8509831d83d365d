package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

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

    private static KernelModules.Module module(String name, String depends) {
        return new KernelModules.Module(name, modinfo("depends=" + depends, "name=" + name));
    }

    private static final List<KernelModules.Module> LOADED = List.of(module("virtio_blk", ""), module("jbd2", ""),
            module("ext4", "jbd2"), module("dm-mod", ""), module("reed_solomon", ""), module("dm-bufio", "dm-mod"),
            module("dm-verity", "dm-mod,reed_solomon,dm_bufio"), module("squashfs", ""));

    @Test
    void aStreamIsItsModulesWithTheirDependenciesInLoadOrder() {
        assertEquals(List.of("dm-mod", "reed_solomon", "dm-bufio", "dm-verity", "squashfs"),
                KernelModules.stream(LOADED, List.of("squashfs", "dm_verity")).stream().map(KernelModules.Module::name).toList());
    }

    @Test
    void aModuleOutsideTheStreamThatDependsOnOneInsideItIsRefused() {
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> KernelModules.stream(LOADED, List.of("jbd2")));
        assertTrue(e.getMessage().contains("ext4 depends on jbd2, which loads in the other stream"), e.getMessage());
    }

    @Test
    void aStreamNamingAModuleNotLoadedIsRefused() {
        assertThrows(ImageBuildException.class, () -> KernelModules.stream(LOADED, List.of("xfs")));
    }

    @Test
    void theBackgroundStreamOfTheRealListNamesOnlyModulesOfIt() {
        assertTrue(KernelModules.NEEDED.containsAll(KernelModules.BACKGROUND), "the background stream is part of every boot's modules");
    }
}
