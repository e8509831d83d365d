package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest's compile policy: the boot's code late, an apply's hot code as before. */
class GuestJitTest {
    @Test
    void theHotCodeKeepsItsScalingThroughTheMultiplication() {
        assertEquals(0, new BigDecimal(GuestJit.hotFactor()).multiply(BigDecimal.valueOf(GuestJit.BOOT_SCALING))
                .compareTo(BigDecimal.valueOf(GuestJit.HOT_SCALING)));
        assertTrue(GuestJit.BOOT_SCALING > GuestJit.HOT_SCALING);
    }

    @Test
    void theCommandsAreQuietThenOneScalingPerPrefix() {
        List<String> lines = GuestJit.commands().lines().toList();
        assertEquals("quiet", lines.get(0));
        assertEquals(GuestJit.HOT_CODE.size() + 1, lines.size());
        assertTrue(lines.contains("CompileThresholdScaling,sun/security/provider/*.*,0.025"), lines.toString());
        for (String prefix : GuestJit.HOT_CODE) {
            assertTrue(lines.contains("CompileThresholdScaling," + prefix + "*.*," + GuestJit.hotFactor()), prefix);
        }
        assertTrue(GuestJit.OPTIONS.contains("-XX:CompileCommandFile=/" + GuestJit.COMMANDS));
        assertTrue(SquashfsSlotBuilder.JVM_OPTIONS.containsAll(GuestJit.OPTIONS));
    }

    /** A renamed package would leave its code at the boot's scaling, unnoticed: every prefix names classes. */
    @Test
    void everyPrefixNamesClassesTheGuestHas() throws Exception {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        ClassLoader loader = GuestJitTest.class.getClassLoader();
        for (String prefix : GuestJit.HOT_CODE) {
            String dir = prefix.substring(0, prefix.lastIndexOf('/'));
            String start = prefix.substring(prefix.lastIndexOf('/') + 1);
            boolean found;
            if (Files.isDirectory(jrt.getPath("/packages", dir.replace('/', '.')))) {
                try (var s = Files.list(jrt.getPath("/modules/java.base", dir))) {
                    found = s.anyMatch(p -> p.getFileName().toString().startsWith(start)
                            && p.getFileName().toString().endsWith(".class"));
                }
            } else {
                found = loader.getResource(dir + "/") != null;
            }
            assertTrue(found, prefix + " names no class");
        }
    }
}
