package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestImageTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        for (String f : new String[] {"vmlinuz", "initrd.img", "disk.raw", "media.raw"}) Files.writeString(dir.resolve(f), f);
    }

    private Path props(String text) throws IOException {
        return Files.writeString(dir.resolve("guest.properties"), text);
    }

    @Test
    void resolvesPathsRelativeToThePropertiesFile() throws IOException {
        GuestImage img = GuestImage.load(props("kernel=vmlinuz\ninitrd=initrd.img\ndisk=disk.raw\nmedia=media.raw\n"
                + "append=console=ttyS0 no5lvl\n"));
        assertEquals(dir.resolve("vmlinuz"), img.kernel());
        assertEquals(Optional.of(dir.resolve("media.raw")), img.media());
        assertEquals("console=ttyS0 no5lvl", img.append());
        assertEquals("console=ttyS0 no5lvl trialboot.selftest=ota", img.withExtraAppend("trialboot.selftest=ota").append());
    }

    @Test
    void mediaIsOptional() throws IOException {
        GuestImage img = GuestImage.load(props("kernel=vmlinuz\ninitrd=initrd.img\ndisk=disk.raw\nappend=console=ttyS0 no5lvl\n"));
        assertEquals(Optional.empty(), img.media());
    }

    @Test
    void absentPropertiesFileTellsHowToBuildIt() {
        HarnessException e = assertThrows(HarnessException.class, () -> GuestImage.load(dir.resolve("nope.properties")));
        assertEquals(HarnessCode.IMAGE_MISSING, e.code());
        assertTrue(e.getMessage().endsWith("run mvn verify from the top, or scripts/vm which builds it"), e.getMessage());
    }

    @Test
    void missingKeyIsImageInvalid() throws IOException {
        HarnessException e = assertThrows(HarnessException.class,
                () -> GuestImage.load(props("kernel=vmlinuz\ninitrd=initrd.img\nappend=console=ttyS0 no5lvl\n")));
        assertEquals(HarnessCode.IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().endsWith("has no key 'disk'"), e.getMessage());
    }

    @Test
    void appendWithoutNo5lvlIsImageInvalidAndSaysWhy() throws IOException {
        HarnessException e = assertThrows(HarnessException.class,
                () -> GuestImage.load(props("kernel=vmlinuz\ninitrd=initrd.img\ndisk=disk.raw\nappend=console=ttyS0 quiet\n")));
        assertEquals(HarnessCode.IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().endsWith("append 'console=ttyS0 quiet' lacks 'no5lvl' (QEMU's CPU offers Sv57 and HotSpot "
                + "refuses to start: Unsupported satp mode: SV57)"), e.getMessage());
    }

    @Test
    void namedFileThatDoesNotExistIsImageInvalid() throws IOException {
        HarnessException e = assertThrows(HarnessException.class,
                () -> GuestImage.load(props("kernel=vmlinuz\ninitrd=gone.img\ndisk=disk.raw\nappend=console=ttyS0 no5lvl\n")));
        assertEquals(HarnessCode.IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().contains("initrd names " + dir.resolve("gone.img") + ", which does not exist"), e.getMessage());
    }
}
