package io.trialboot.bootctl;

import io.trialboot.core.Slot;
import java.util.Optional;

/**
 * The decision of {@code bootselect.sh} for a readable file, for host tests that boot many times
 * without a shell. {@code BootSelectScriptTest} checks it against the real script on every state.
 */
public final class Stage0Model {
    private Stage0Model() {}

    /** The file stage 0 leaves after one boot. */
    public static BootControlFile boot(BootControlFile f) {
        Slot active = f.active();
        Slot slot = active;
        SlotState stateA = f.slotA();
        SlotState stateB = f.slotB();
        int failedStarts = f.failedStarts();
        Optional<Slot> trial = f.trial();
        int tries = f.triesLeft();
        Optional<Slot> fallback = f.fallback();
        if (trial.isPresent()) {
            if (tries > 0 && f.state(trial.get()).bootable()) {
                tries--;
                slot = trial.get();
            } else {
                fallback = trial;
                trial = Optional.empty();
                tries = 0;
            }
        }
        Optional<Slot> booted = Optional.of(slot);
        if (slot == active && f.state(slot).bootable()) {
            if (failedStarts < BootControlFile.MAX_FAILED_STARTS) {
                failedStarts++;
            } else if (f.state(slot.other()).bootable() && !fallback.equals(Optional.of(slot.other()))) {
                stateA = slot == Slot.A ? SlotState.BAD : stateA;
                stateB = slot == Slot.B ? SlotState.BAD : stateB;
                active = slot.other();
                slot = active;
                booted = Optional.of(slot);
                failedStarts = 1;
            } else {
                booted = f.booted();
                failedStarts = 0;
            }
        }
        if (!f.state(slot).bootable() && f.state(slot.other()).bootable()) {
            slot = slot.other();
            booted = Optional.of(slot);
        }
        return new BootControlFile(active, stateA, stateB, trial, tries, f.bootCount() + 1, booted, fallback,
                failedStarts);
    }
}
