package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootBoundaryTest {
    @Test
    void openSbiBannerStartsABoot() {
        assertTrue(BootBoundary.startsNewBoot("OpenSBI v1.1"));
        assertTrue(BootBoundary.startsNewBoot("OpenSBI v1.6"));
        assertTrue(BootBoundary.startsNewBoot("[   8.2] reboot: Restarting systemOpenSBI v1.1"));
    }

    @Test
    void otherLinesDoNot() {
        assertFalse(BootBoundary.startsNewBoot("   ____                    _____ ____ _____"));
        assertFalse(BootBoundary.startsNewBoot("OpenSBI version check"));
        assertFalse(BootBoundary.startsNewBoot("OpenSBI v"));
        assertFalse(BootBoundary.startsNewBoot("stage0: boot slot=a mode=normal tries_left=0 boot=1"));
    }

    private static final String KEY = "3f".repeat(32);

    @Test
    void aRestoreLineStartsABootAndNamesItsSnapshot() {
        String line = BootBoundary.restoreLine("factory-at-console", KEY);
        assertEquals("trialboot-harness: restored snapshot factory-at-console key=" + KEY, line);
        assertTrue(BootBoundary.startsNewBoot(line));
        assertEquals(Optional.of(new BootBoundary.Restore("factory-at-console", KEY)), BootBoundary.restore(line));
    }

    @Test
    void onlyAWholeRestoreLineIsOne() {
        String line = BootBoundary.restoreLine("s", KEY);
        assertFalse(BootBoundary.startsNewBoot("echo " + line), "typed, the line is an echo, not a restore");
        assertFalse(BootBoundary.startsNewBoot(line + " and more"));
        assertFalse(BootBoundary.startsNewBoot("trialboot-harness: restored snapshot s key=abc"));
        assertThrows(IllegalArgumentException.class, () -> BootBoundary.restoreLine("two words", KEY));
        assertThrows(IllegalArgumentException.class, () -> BootBoundary.restoreLine("s", "ABC"));
    }
}
