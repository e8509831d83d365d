package io.trialboot.harness;

import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import io.trialboot.markers.Step;
import java.time.Duration;
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

    /**
     * The factory image after its first boot, at the console's first prompt: the start of every IT
     * whose subject comes after the first boot ({@code @QemuTest(start = FACTORY_AT_CONSOLE)}).
     */
    public static final SnapshotRecipe FACTORY_AT_CONSOLE = fromColdBoot("factory-at-console",
            "contract first-boot; GUEST_SHELL_READY within 60 s; the first 'trialboot#' prompt within 30 s", vm -> {
                int boot = vm.currentBoot();
                Contract firstBoot = Contract.builtIn("first-boot");
                vm.await(boot == 1 ? firstBoot : new Contract(firstBoot.name() + "-in-boot-" + boot, firstBoot.steps().stream()
                        .map(s -> new Step(s.number(), boot, s.timeout(), s.pattern(), s.sourceLine())).toList(), firstBoot.forbidden()));
                vm.await(Marker.GUEST_SHELL_READY, Duration.ofSeconds(60));
                vm.await(Contract.parse("first-prompt", "boot " + boot + "\nexpect 30s \"trialboot#\"\n"));
            });

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

    /** How many states lie between this one and the cold boot: 0 for a state made from a cold boot. */
    int depth() {
        return parent.map(p -> p.depth() + 1).orElse(0);
    }

    /** The steps from a cold boot, one line per state on the way: an input of the key. */
    String chain() {
        return parent.map(p -> p.chain() + "\n").orElse("cold boot of the factory image\n") + name + ": " + description;
    }
}
