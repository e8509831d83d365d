package io.trialboot.it;

import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.QemuVm;
import io.trialboot.it.CutPlan.Phase;
import io.trialboot.markers.BootMode;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a power-cut campaign does after a cut. The checks, once the console of whichever boot got there is up: a verified
 * boot with consistent boot control ({@code nx status}, {@code nx selfcheck}, with {@code --deep}
 * unless {@link SlotProof} proves every bootable slot), and nothing durable lost (the history
 * before the cut a prefix of the history after it, numbered without a gap, every durable step the
 * console reported before the cut recorded, the stage-0 boot count and a trial's tries never back);
 * then the retry of the interrupted operation.
 */
final class AfterCut {
    /** Durable steps the console reports, and the history event each must have left. */
    private static final Map<Marker, String> DURABLE = Map.of(
            Marker.UPDATE_APPLY_OK, "apply",
            Marker.UPDATE_AWAIT_CONFIRM, "switch",
            Marker.HEALTH_TRIAL_OK, "confirm",
            Marker.UPDATE_ROLLED_BACK, "rollback",
            Marker.HEALTH_FAIL_ROLLBACK, "rollback",
            Marker.BOOTCTLD_READY, "boot");
    /** Stage 0 booted in recovery: it could not read boot control, or the slot it named could not boot. */
    private static final LinePattern RECOVERY = LinePattern.of(Marker.STAGE0_BOOT, "*", BootMode.RECOVERY.text(), "*", "*");

    private final QemuVm vm;
    private final GuestConsole console;
    private final Nx nx;
    private final SlotProof proof;
    private final Consumer<String> say;

    AfterCut(QemuVm vm, GuestConsole console, Nx nx, SlotProof proof, Consumer<String> say) {
        this.vm = vm;
        this.console = console;
        this.nx = nx;
        this.proof = proof;
        this.say = say;
    }

    /** What the checks found broken, by kind, and the history they read after the cut. */
    record Found(List<String> unverified, List<String> lost, List<String> history) {}

    /**
     * The checks after the cut of point {@code who}: {@code fork} says how the device started (empty:
     * not from a snapshot), asked after {@code nx status}, just before the selfcheck, {@code before} the history before the cut, {@code beforeCut} the console
     * lines up to the cut, {@code restart} those of the restart up to its console.
     */
    Found check(String who, Supplier<Optional<SlotProof.Fork>> fork, List<String> before, List<String> beforeCut, List<String> restart) {
        StatusReply st = nx.status();
        Slot booted = st.slot();
        Slot active = st.active();
        List<String> wrong = new ArrayList<>();
        if (!st.state(booted).bootable()) {
            wrong.add("booted slot " + booted + " is " + st.state(booted).text());
        }
        if (st.state(active) != SlotState.GOOD) {
            wrong.add("active slot " + active + " is " + st.state(active).text());
        }
        st.trial().filter(t -> t == active || st.state(t) != SlotState.VERIFIED).ifPresent(t ->
                wrong.add("trial " + t + " with active " + active + " and slot_" + t + "=" + st.state(t).text()));
        restart.stream().filter(t -> RECOVERY.match(t, Map.of()).isPresent())
                .findFirst().ifPresent(t -> wrong.add("stage 0 could not read boot control: " + t));
        SlotProof.Verdict v = proof.check(st, fork.get());
        say.accept(who + ": " + v.describe());
        List<String> selfcheck = console.run(v.selfcheck(), Nx.APPLY);
        if (!Nx.ok(selfcheck)) {
            wrong.add(v.selfcheck() + ": " + selfcheck);
        }
        List<String> unverified = wrong.isEmpty() ? List.of() : List.of(String.join("; ", wrong) + " (status " + st + ")");
        List<String> after = nx.history();
        return new Found(unverified, lost(before, beforeCut, restart, after), after);
    }

    /**
     * Runs the operation of {@code phase} the cut interrupted again; why it failed, if it did. An apply
     * goes without a selfcheck of its own: the check's selfcheck just wrote the latest host status,
     * which the device's precheck reads.
     */
    Optional<String> retry(Phase phase, List<String> added, List<String> before) {
        return Optional.ofNullable(switch (phase) {
            case FULL_APPLY, SWITCH -> added.contains("switch") ? null : nx.install(Nx.FULL);
            case DELTA_APPLY -> added.contains("switch") ? null : nx.install(Nx.DELTA);
            case STAGE0_DECREMENT, CONFIRM -> added.contains("confirm") || confirmsOnItsOwn(before) ? null : nx.install(Nx.FULL);
            case ROLLBACK -> nx.status().trial().isEmpty() ? null : nx.rollbackFails();
        });
    }

    /**
     * The restart booted the v1.1.0 trial again: healthd confirms it by itself, maybe only after the
     * console came up. True once the trial is confirmed (recorded after {@code before}); false when
     * the device fell back instead (then the retry installs v1.1.0 again).
     */
    private boolean confirmsOnItsOwn(List<String> before) {
        long deadline = System.nanoTime() + vm.config().scale().scale(PhaseStates.SETTLE).toNanos();
        while (System.nanoTime() < deadline) {
            StatusReply st = nx.status();
            if (!Nx.HEALTHY.equals(st.version())) {
                return false;
            }
            if (st.trial().isEmpty()) {
                return Nx.added(before, nx.history()).contains("confirm");
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for healthd's verdict", e);
            }
        }
        return false;
    }

    /** What the cut took that was durable before it. */
    static List<String> lost(List<String> before, List<String> beforeCut, List<String> restart, List<String> after) {
        List<String> lost = new ArrayList<>();
        if (after.size() < before.size() || !after.subList(0, before.size()).equals(before)) {
            lost.add("history before the cut (" + before.size() + " lines) is not a prefix of the history after it ("
                    + after.size() + " lines)");
        }
        Nx.misnumbered(after).ifPresent(lost::add);
        List<String> added = Nx.added(before, after);
        for (Map.Entry<Marker, String> d : DURABLE.entrySet()) {
            long reported = beforeCut.stream().filter(Nx.matches(d.getKey())).count();
            long recorded = added.stream().filter(d.getValue()::equals).count();
            if (recorded < reported) {
                lost.add("the console reported '" + d.getKey().template() + "' " + reported + "x before the cut, the"
                        + " history has " + recorded + " '" + d.getValue() + "' since");
            }
        }
        Optional<Stage0> last = stage0(beforeCut);
        Optional<Stage0> next = stage0(restart);
        if (last.isPresent() && next.isPresent()) {
            Stage0 l = last.get();
            Stage0 n = next.get();
            if (n.boot() <= l.boot() || n.boot() > l.boot() + 2) {
                lost.add("boot count went from " + l.boot() + " to " + n.boot() + " across the cut");
            }
            if (l.mode().equals("trial") && n.mode().equals("trial") && n.slot().equals(l.slot())
                    && n.tries() >= l.tries()) {
                lost.add("trial of slot " + n.slot() + " had tries_left=" + l.tries() + " before the cut and "
                        + n.tries() + " after: a try came back");
            }
        }
        return lost;
    }

    private record Stage0(String slot, String mode, int tries, int boot) {}

    /** The last stage-0 boot line in {@code lines}, if any. */
    private static Optional<Stage0> stage0(List<String> lines) {
        LinePattern p = LinePattern.of(Marker.STAGE0_BOOT, ":slot", ":mode", ":tries", ":boot");
        Stage0 last = null;
        for (String l : lines) {
            Optional<Map<String, String>> m = p.match(l, Map.of());
            if (m.isPresent()) {
                Map<String, String> c = m.get();
                last = new Stage0(c.get("slot"), c.get("mode"), Integer.parseInt(c.get("tries")), Integer.parseInt(c.get("boot")));
            }
        }
        return Optional.ofNullable(last);
    }
}
