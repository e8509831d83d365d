package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
                Marker.STAGE0_BOOT.line("a", "normal", 0, 1), Marker.GUEST_SHELL_READY.line(), "OpenSBI v1.5.1")));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1", "OpenSBI v1.5.1",
                Marker.STAGE0_BOOT.line("b", "trial", 2, 2), Marker.BOOTCTLD_READY.line())));
    }

    @Test
    void aBootWhoseStage0SpokeOrThatNeverStartedIsNoStall() {
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1",
                Marker.STAGE0_FATAL_MODULE.line("virtio_blk"))));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("OpenSBI v1.5.1",
                Marker.STAGE0_BOOT_CONTROL_ERROR.line("boot-control file missing"))));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console()));
        assertEquals(-1, GuestConsole.lastBannerWithoutStage0(console("some line QEMU printed without a banner")));
    }

    /** Every line stage 0 prints is a STAGE0_* marker (InitramfsTest), each with the prefix a stall's end is told by. */
    @Test
    void everyStage0MarkerEndsAStall() {
        List<Marker> stage0 = Arrays.stream(Marker.values()).filter(m -> m.name().startsWith("STAGE0_")).toList();
        assertTrue(stage0.contains(Marker.STAGE0_BOOT), stage0.toString());
        assertEquals(List.of(), stage0.stream().filter(m -> !m.template().startsWith(GuestConsole.STAGE0)).toList());
    }

    @Test
    void aStallBoundForOnlyOneOfTheTwoBootsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GuestConsole(null, Duration.ofSeconds(3), null, why -> { }));
        assertEquals("both stall bounds or neither: PT3S, null", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GuestConsole(null, null, Duration.ofSeconds(60), why -> { }));
    }
}
