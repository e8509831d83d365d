package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
