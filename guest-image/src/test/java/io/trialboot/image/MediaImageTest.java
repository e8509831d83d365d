package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaImageTest {
    @TempDir
    Path dir;

    @Test
    void sizeLeavesRoomForMetadataInWholeMebibytes() {
        assertEquals(24 * DiskImage.MIB, MediaImage.size(0));
        assertEquals(129 * DiskImage.MIB, MediaImage.size(100 * DiskImage.MIB));
        assertEquals(0, MediaImage.size(12345) % DiskImage.MIB);
        assertThrows(IllegalArgumentException.class, () -> MediaImage.size(-1));
    }

    @Test
    void payloadCountsWholeBlocks() throws Exception {
        Files.write(Files.createDirectories(dir.resolve("updates/feeds")).resolve("stable.nxf"), new byte[1]);
        Files.write(dir.resolve("updates/a"), new byte[4097]);
        assertEquals(3 * 4096, MediaImage.payloadBytes(dir));
    }

    @Test
    void sameTreeGivesTheSameImage() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/updates/feeds"));
        Files.writeString(root.resolve("stable.nxf"), "feed");
        long size = MediaImage.build(dir.resolve("root"), dir.resolve("one.img"), line -> { });
        MediaImage.build(dir.resolve("root"), dir.resolve("two.img"), line -> { });
        assertEquals(size, Files.size(dir.resolve("one.img")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("one.img")), Files.readAllBytes(dir.resolve("two.img")));
    }
}
