package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guest services load nothing of the host tools: no class of this package names BouncyCastle,
 * picocli or {@code io.trialboot.tools} in its constant pool (so the guest's classpath can leave
 * them out and start-up under emulation stays light).
 */
class GuestClasspathTest {
    @Test
    void guestClassesReferNoHostToolClasses() throws Exception {
        Path dir = Path.of(GuestMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/trialboot/guest");
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                classes++;
                String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String banned : List.of("org/bouncycastle", "picocli", "io/trialboot/tools")) {
                    if (pool.contains(banned)) {
                        offenders.add(f.getFileName() + " -> " + banned);
                    }
                }
            }
        }
        assertTrue(classes >= 15, "found the guest classes: " + classes);
        assertEquals(List.of(), offenders);
    }
}
