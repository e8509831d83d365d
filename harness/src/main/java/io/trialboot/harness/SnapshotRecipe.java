package io.trialboot.harness;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A guest state a test starts from, and how to get there: from {@code parent}'s state (or from a
 * cold boot of the factory image when there is none) run {@code steps}. {@code description} says
 * what the steps do; it is part of the snapshot's key, so changing the steps means changing it.
 * {@link QemuVm#reach} restores the state from the cache, or runs the steps and saves it.
 *
 * @param name        the snapshot's name (letters, digits, {@code .-_}), in the cache and the restore line
 * @param description the steps in words: an input of the key
 * @param parent      the state the steps start from; empty: a cold boot of the factory image
 * @param steps       what brings a VM in the parent state to this one; ends with the guest at its prompt
 */
public record SnapshotRecipe(String name, String description, Optional<SnapshotRecipe> parent, Consumer<QemuVm> steps) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public SnapshotRecipe {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(steps, "steps");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a snapshot name is 1-64 letters, digits, '.', '-' or '_': '" + name + "'");
        }
    }

    /** A state reached from a cold boot of the factory image by {@code steps}. */
    public static SnapshotRecipe fromColdBoot(String name, String description, Consumer<QemuVm> steps) {
        return new SnapshotRecipe(name, description, Optional.empty(), steps);
    }

    /** A state reached from this one by {@code steps}. */
    public SnapshotRecipe then(String next, String stepsDescription, Consumer<QemuVm> more) {
        return new SnapshotRecipe(next, stepsDescription, Optional.of(this), more);
    }

    /** The steps from a cold boot, one line per state on the way: an input of the key. */
    String chain() {
        return parent.map(p -> p.chain() + "\n").orElse("cold boot of the factory image\n") + name + ": " + description;
    }
}
