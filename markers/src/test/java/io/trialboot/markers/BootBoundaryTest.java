package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
