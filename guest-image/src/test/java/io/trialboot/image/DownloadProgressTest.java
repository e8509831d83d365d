package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadProgressTest {
    @TempDir
    Path dir;

    private List<DownloadProgress.Expected> threePackages() {
        return List.of(new DownloadProgress.Expected(dir.resolve("a.deb"), 2 * DiskImage.MIB),
                new DownloadProgress.Expected(dir.resolve("b.deb"), 3 * DiskImage.MIB),
                new DownloadProgress.Expected(dir.resolve("c.deb"), 5 * DiskImage.MIB));
    }

    @Test
    void nothingYet() {
        assertEquals("apt: downloading 0/3 packages (0.0 MiB of 10.0 MiB)", DownloadProgress.line(threePackages()));
    }

    @Test
    void countsWholeFilesAndBytesOfFilesStillArriving() throws Exception {
        Files.write(dir.resolve("a.deb"), new byte[(int) (2 * DiskImage.MIB)]);
        Files.write(dir.resolve("b.deb"), new byte[(int) DiskImage.MIB]);
        Files.write(Files.createDirectories(dir.resolve("partial")).resolve("c.deb"), new byte[(int) (DiskImage.MIB / 2)]);
        assertEquals("apt: downloading 1/3 packages (3.5 MiB of 10.0 MiB)", DownloadProgress.line(threePackages()));
    }

    @Test
    void aFileLargerThanTheIndexSaysCountsOnlyItsListedSize() throws Exception {
        Files.write(dir.resolve("a.deb"), new byte[(int) (3 * DiskImage.MIB)]);
        assertEquals("apt: downloading 1/3 packages (2.0 MiB of 10.0 MiB)", DownloadProgress.line(threePackages()));
    }

    @Test
    void closeReportsTheFinalStateOnce() throws Exception {
        List<String> lines = new ArrayList<>();
        DownloadProgress p = DownloadProgress.start(threePackages(), lines::add);
        for (DownloadProgress.Expected e : threePackages()) {
            Files.write(e.file(), new byte[(int) e.size()]);
        }
        p.close();
        assertEquals("apt: downloading 3/3 packages (10.0 MiB of 10.0 MiB)", lines.get(lines.size() - 1));
    }

    @Test
    void negativeSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DownloadProgress.Expected(dir.resolve("x"), -1));
    }
}
