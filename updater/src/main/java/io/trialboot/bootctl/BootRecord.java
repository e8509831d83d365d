package io.trialboot.bootctl;

import io.trialboot.core.Slot;
import java.util.Objects;
import java.util.Optional;

/**
 * What one boot was, as bootctld finds it at start-up.
 *
 * @param slot       the slot running
 * @param bootCount  stage 0's boot counter (this boot included)
 * @param trial      whether this is a trial boot of {@code slot}
 * @param triesLeft  tries the trial has left after this boot
 * @param fellBackFrom the trial slot stage 0 gave up on before this boot (crash loop), if any
 * @param file       the boot-control file as recording this boot left it (the fallen-back slot marked
 *                   bad), so that what start-up asks of it next needs no second read
 */
public record BootRecord(Slot slot, long bootCount, boolean trial, int triesLeft, Optional<Slot> fellBackFrom,
        BootControlFile file) {
    public BootRecord {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(fellBackFrom, "fellBackFrom");
        Objects.requireNonNull(file, "file");
    }
}
