package io.trialboot.it;

import io.trialboot.harness.QemuVm;
import io.trialboot.it.CutPlan.Phase;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A point's starting state reached without snapshots (snapshots off, or QEMU in a container): by
 * uncut operations from wherever the previous point left the one device.
 */
final class UncutPhases {
    private final QemuVm vm;
    private final GuestConsole console;
    private final Nx nx;
    private final Consumer<String> say;

    UncutPhases(QemuVm vm, GuestConsole console, Nx nx, Consumer<String> say) {
        this.vm = vm;
        this.console = console;
        this.nx = nx;
        this.say = say;
    }

    /** The device as the campaign's first point finds it: healthd's bound in the host policy, self-checked. */
    void begin() {
        nx.boundHealth();
        nx.selfcheck(Nx.SELFCHECK, "the first selfcheck");
    }

    /** Brings the device where a point of {@code phase} starts. */
    void prepare(Phase phase) {
        switch (phase) {
            case FULL_APPLY, SWITCH -> {
                ensureIdle();
                ensureNotOnHealthy();
            }
            case STAGE0_DECREMENT, CONFIRM -> ensureHealthyTrial();
            case DELTA_APPLY -> ensureIdleOnHealthy();
            case ROLLBACK -> ensureTrial();
        }
    }

    private void ensureIdle() {
        if (nx.status().trial().isPresent()) {
            String why = nx.rollbackFails();
            if (why != null) throw new AssertionError("could not settle the pending trial: " + why);
        }
    }

    private void ensureHealthyTrial() {
        if (nx.status().trial().isPresent() && nx.trialVersion().equals(Optional.of(Nx.HEALTHY.toString()))) {
            return;
        }
        ensureIdle();
        ensureNotOnHealthy();
        String why = nx.applyFails(Nx.FULL);
        if (why != null) throw new AssertionError("could not install v" + Nx.HEALTHY + " for a trial: " + why);
    }

    /**
     * v1.1.0 cannot be installed over itself (a replay of the installed release is refused with
     * UPDATE_VERSION_FLOOR): a device that runs it goes back to the factory image on a fresh overlay.
     */
    private void ensureNotOnHealthy() {
        if (!nx.status().version().equals(Nx.HEALTHY)) {
            return;
        }
        say.accept("the device runs v" + Nx.HEALTHY + ", which it would refuse to install again: back to the factory image");
        int from = console.mark();
        vm.powerCut();
        vm.restartFromFactory();
        console.settle(from, PhaseStates.SETTLE);
        nx.boundHealth();
        nx.selfcheck(Nx.SELFCHECK, "the selfcheck after going back to the factory image");
    }

    private void ensureIdleOnHealthy() {
        ensureIdle();
        if (nx.status().version().equals(Nx.HEALTHY)) {
            return;
        }
        ensureHealthyTrial();
        int from = console.mark();
        vm.type(Nx.REBOOT);
        console.settle(from, PhaseStates.SETTLE);
        nx.requireConfirmed();
    }

    private void ensureTrial() {
        if (nx.status().trial().isPresent()) {
            return;
        }
        String why = nx.applyFails(nx.status().version().equals(Nx.HEALTHY) ? Nx.DELTA : Nx.FULL);
        if (why != null) throw new AssertionError("could not set up a trial to roll back: " + why);
    }
}
