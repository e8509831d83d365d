package io.trialboot.harness;

import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The power cuts a test arms on one VM ({@link QemuVm#power()}): SIGKILL to the QEMU running when
 * the cut comes, nothing flushed. {@link QemuVm#restart()} boots it again and disarms what is left.
 */
public final class VmPower {
    private final VmLifecycle lifecycle;
    private final PowerCuts cuts;

    VmPower(VmLifecycle lifecycle, PowerCuts cuts) {
        this.lifecycle = lifecycle;
        this.cuts = cuts;
    }

    /** Arms a cut (from the console thread) for the first complete console line {@code line} accepts. */
    public void cutWhen(Predicate<String> line) {
        cuts.when(line, Duration.ZERO);
    }

    /**
     * Arms a cut {@code delay} after the first console line {@code line} accepts, of the QEMU running
     * then (never one a later {@link QemuVm#restart()} started); {@link #cutFired()} says when.
     */
    public void cutWhen(Predicate<String> line, Duration delay) {
        cuts.when(line, delay);
    }

    /** Cuts the power of the QEMU running now {@code delay} from now ({@link #cutFired()} says when). */
    public void cutIn(Duration delay) {
        cuts.in(delay);
    }

    /** Arms a cut right after {@code marker} (with {@code args} as in a contract) is printed. */
    public void cutAfter(Marker marker, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        cutWhen(text -> pattern.match(text, Map.of()).isPresent());
    }

    /** Arms a cut for when the guest has written {@code bytes} to its disk since this QEMU started (QMP blockstats). */
    public void cutAfterDiskWrites(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive: " + bytes);
        cuts.afterDiskWrites(bytes, lifecycle.liveProcess("arm a power cut"), lifecycle.qmp());
    }

    /** Whether an armed cut has killed the current QEMU (a restart clears it). */
    public boolean cutFired() {
        return cuts.fired();
    }
}
