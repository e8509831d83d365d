package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ext4TimesTest {
    @TempDir
    Path dir;

    @Test
    void commandsCoverEveryEntryInPathOrder() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("t/b")).resolve("f"), "x");
        Files.writeString(dir.resolve("t/a"), "y");
        String cmds = Ext4Times.commands(dir.resolve("t"));
        assertTrue(cmds.startsWith("sif \"/\" atime 0\nsif \"/\" ctime 0\nsif \"/\" uid 0\nsif \"/\" gid 0\nsif \"/a\" atime 0\n"), cmds);
        assertTrue(cmds.endsWith("sif \"/b/f\" gid 0\n"), cmds);
        assertEquals(16, cmds.lines().count());
    }

    /** The host's ctime (when the build wrote the file) and atime (when mke2fs read it) do not reach the image. */
    @Test
    void everyInodeOfTheTreeHasTimeAndOwnerZero() throws Exception {
        Path t = tree("t");
        MediaImage.build(t, dir.resolve("t.img"), line -> { });
        for (String path : List.of("/", "/updates", "/updates/feed", "/updates/payload")) {
            String stat = Tools.run(List.of("debugfs", "-R", "stat " + path, dir.resolve("t.img").toString()), dir,
                    Duration.ofMinutes(1));
            assertTrue(stat.contains("User:     0   Group:     0"), stat);
            for (String field : List.of(" ctime: 0x00000000:", " atime: 0x00000000:")) {
                assertTrue(stat.contains(field), path + " lacks" + field + "\n" + stat);
            }
        }
    }

    @Test
    void aPathDebugfsCannotFindFailsTheBuild() throws Exception {
        Path t = tree("t");
        MediaImage.build(t, dir.resolve("t.img"), line -> { });
        Files.writeString(t.resolve("not-in-the-image"), "z");
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> Ext4Times.pin(dir.resolve("t.img"), 0, t, line -> { }));
        assertTrue(e.getMessage().contains("not-in-the-image"), e.getMessage());
    }

    private Path tree(String name) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name).resolve("updates"));
        Files.writeString(root.resolve("feed"), "feed");
        Files.write(root.resolve("payload"), Arrays.copyOf(new byte[] {1}, 10_000));
        Files.setLastModifiedTime(root.resolve("feed"), FileTime.fromMillis(123_000));
        return root.getParent();
    }
}
