package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestConsoleTest {
    private static List<ConsoleLine> console(String... texts) {
        List<ConsoleLine> lines = new ArrayList<>();
        int boot = 0;
        for (String t : texts) {
            if (t.startsWith("OpenSBI v")) boot++;
            lines.add(new ConsoleLine(Duration.ofSeconds(lines.size()), boot, t));
        }
        return lines;
    }

    @Test
    void aBootSilentSinceOpenSbisBannerStalledBeforeStage0() {
        assertEquals(0, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1")));
        assertEquals(0, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1", "Platform Name : riscv-virtio,qemu",
                "Boot HART ID : 0")));
    }

    @Test
    void onlyTheLastBootCounts() {
        assertEquals(3, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1",
                "stage0: boot slot=a mode=normal tries_left=0 boot=1", "nx: console ready", "OpenSBI v1.5.1")));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1", "OpenSBI v1.5.1",
                "stage0: boot slot=b mode=trial tries_left=2 boot=2", "bootctld: ready")));
    }

    @Test
    void aBootWhoseStage0SpokeOrThatNeverStartedIsNoStall() {
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1",
                Marker.STAGE0_FATAL_MODULE.line("virtio_blk"))));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1", "stage0: boot-control: BOOT_CONTROL_CORRUPT")));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console()));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("some line QEMU printed without a banner")));
    }

    @Test
    void aStallBoundForOnlyOneOfTheTwoBootsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GuestConsole(null, Duration.ofSeconds(3), null, why -> { }));
        assertEquals("both stall bounds or neither: PT3S, null", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GuestConsole(null, null, Duration.ofSeconds(60), why -> { }));
    }
}
