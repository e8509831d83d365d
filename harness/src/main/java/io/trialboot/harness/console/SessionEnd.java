package io.trialboot.harness.console;

import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * {@code scripts/vm}'s last line: how the session ended and what is left of the device. QEMU exits
 * with code 0 both after Ctrl-A X and when the guest powers itself off (the kernel's
 * {@value #POWER_DOWN}); the console tells them apart. Stage 0 powers off only when no slot
 * verifies (its {@code stage0: FATAL} line comes first), so that device cannot boot again and no
 * resume is offered.
 */
final class SessionEnd {
    /** What the kernel prints as the guest powers itself off. */
    static final String POWER_DOWN = "reboot: Power down";
    /** Stage 0's lines before it powers off: no slot of the device verifies (the catalog's own). */
    private static final List<LinePattern> NO_SLOT_VERIFIES = Stream.of(Marker.STAGE0_FATAL_NO_OTHER_SLOT,
            Marker.STAGE0_FATAL_CHAIN, Marker.STAGE0_FATAL_NO_SLOT).map(LinePattern::of).toList();

    private SessionEnd() {}

    /**
     * The closing line. {@code code} is QEMU's exit code, empty when the keys ended first (QEMU was
     * quit then), {@code keysEnded} why they did ({@link PipedKeys#why}, or the keyboard's end);
     * {@code resume}: what boots the device again.
     */
    static String line(List<ConsoleLine> lines, OptionalInt code, String keysEnded, Path overlay, String resume) {
        String kept = "the device stays in " + overlay + " (" + resume + "; the newest " + Sessions.KEEP_OVERLAYS
                + " sessions' devices are kept)";
        if (code.isEmpty()) {
            return "vm: " + keysEnded + "; QEMU quit; " + kept;
        }
        List<ConsoleLine> last = lastBoot(lines);
        if (last.stream().noneMatch(l -> l.text().contains(POWER_DOWN))) return "vm: QEMU exited with code " + code.getAsInt() + "; " + kept;
        String fatal = null;
        for (ConsoleLine l : last) {
            if (NO_SLOT_VERIFIES.stream().anyMatch(p -> p.occursIn(l.text(), Map.of()))) fatal = l.text();
        }
        if (fatal == null) return "vm: the guest powered itself off (" + POWER_DOWN + "); " + kept;
        return "vm: the guest powered itself off in stage 0 (" + fatal + "): no slot of this device verifies, so it cannot boot again;"
                + " its disk stays in " + overlay + " to inspect, and scripts/vm (without --resume) starts a new device from the factory image";
    }

    /** The lines of the last boot. */
    private static List<ConsoleLine> lastBoot(List<ConsoleLine> lines) {
        if (lines.isEmpty()) return lines;
        int boot = lines.get(lines.size() - 1).boot();
        return lines.stream().filter(l -> l.boot() == boot).toList();
    }
}
