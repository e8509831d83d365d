package io.trialboot.harness.console;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Step;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Walks a {@link Scenario} at a VM's console as a person would: each command is typed at a
 * prompt, once the previous command's output has ended, and the console is handed over at a
 * line boundary (when the guest resets, at the start of the new QEMU), so nothing is half-printed.
 */
final class ScenarioRun {
    /** The guest console's prompt (NxConsole's {@code trialboot# }), a line once it waited 300 ms. */
    static final String PROMPT_TEXT = "trialboot#";
    static final LinePattern PROMPT = LinePattern.parse(PROMPT_TEXT);
    private static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RESET_TIMEOUT = Duration.ofSeconds(120);
    private static final long POLL_MS = 20;

    private final Scenario scenario;
    private final QemuVm vm;
    private final PrintStream out;

    ScenarioRun(Scenario scenario, QemuVm vm, PrintStream out) {
        this.scenario = scenario;
        this.vm = vm;
        this.out = out;
    }

    /** The boot the person gets and the line that announces it. */
    record Handover(int boot, String banner) {}

    /**
     * Runs the steps, prints the hand-over; returns the boot the person gets, with its banner. The walk
     * counts the boot it is in itself: right after a reset the new QEMU is still silent, so the console's
     * {@link QemuVm#currentBoot} still names the boot before while {@link QemuVm#relaunches} counts the new one.
     */
    Handover walk() {
        out.println("vm: scenario '" + scenario.name() + "': " + scenario.summary());
        int boot = Math.max(1, vm.currentBoot());
        boolean reset = false;
        for (Scenario.Step step : scenario.steps()) {
            out.println("vm: " + step.say());
            int resets = vm.relaunches();
            if (step.type() != null) {
                vm.await(new Contract(scenario.name() + "-prompt", List.of(new Step(1, boot, PROMPT_TIMEOUT, PROMPT, 0)), List.of()));
                vm.type(step.type());
            }
            reset = step.until() == null;
            if (reset) {
                awaitReset(resets);
                boot++;
            } else {
                vm.await(Contract.parse(scenario.name() + "-step", step.until()));
                boot = Math.max(boot, vm.currentBoot());
            }
        }
        out.println();
        out.println(scenario.handover());
        out.println();
        return new Handover(boot, "vm: boot " + boot + (reset ? " (guest reset)" : " (scenario '" + scenario.name() + "' handed over)"));
    }

    /** Until the VM has booted a new QEMU for the guest's reset (bounded, times the timeout scale). */
    private void awaitReset(int resets) {
        Duration limit = vm.config().scale().scale(RESET_TIMEOUT);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (vm.relaunches() <= resets) {
                if (!vm.isRunning() || System.nanoTime() > deadline) {
                    throw new HarnessException(HarnessCode.CONSOLE_CLOSED, "scenario '" + scenario.name() + "': the guest did not reset within "
                            + limit.toSeconds() + " s" + (vm.isRunning() ? "" : " (QEMU exited)") + "; console in " + vm.serialLog());
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while the scenario waited for the guest's reset", e);
        }
    }
}
