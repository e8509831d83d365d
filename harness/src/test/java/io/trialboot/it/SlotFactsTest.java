package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotFactsTest {
    @TempDir
    Path dir;

    @Test
    void libjvmIsTheImagesAbsolutePath() throws IOException {
        Path props = Files.writeString(dir.resolve("guest.properties"), "kernel=vmlinux\nlibjvm=/usr/lib/x/libjvm.so\n");
        assertEquals("/usr/lib/x/libjvm.so", SlotFacts.libjvm(props));
    }

    @Test
    void anImageWithoutLibjvmIsInvalidAndSaysToBuildItAgain() throws IOException {
        Path props = Files.writeString(dir.resolve("guest.properties"), "kernel=vmlinux\n");
        HarnessException e = assertThrows(HarnessException.class, () -> SlotFacts.libjvm(props));
        assertEquals(HarnessCode.IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().endsWith("libjvm '' is no absolute path in the slot (an image built before it was "
                + "written: build it again)"), e.getMessage());
    }
}
