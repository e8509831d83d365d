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
        Slot slot = f.active();
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
        if (!f.state(slot).bootable() && f.state(slot.other()).bootable()) {
            slot = slot.other();
        }
        return new BootControlFile(f.active(), f.slotA(), f.slotB(), trial, tries, f.bootCount() + 1,
                Optional.of(slot), fallback);
    }
}
