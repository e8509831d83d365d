package io.trialboot.it;

import io.trialboot.guest.StatusReply;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.it.CutPlan.Phase;
import io.trialboot.it.CutPlan.Point;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The phases' starting states of a power-cut campaign, each a snapshot made once by uncut
 * operations from the one before it and restored for every point: the factory image with healthd's
 * bound in its host policy, self-checked (a full apply starts there); the v1.1.0 apply paused at
 * {@code update: apply ok} (the switch); v1.1.0 switched, its trial pending (the trial boot's
 * stage-0 decrement); its trial boot paused at {@code bundle hello: ready} (the confirm); v1.1.0
 * confirmed (the delta apply); the v1.2.0 delta switched (the rollback).
 *
 * <p>A state is <em>verified</em> when every bootable slot in it passed {@code nx selfcheck --deep}
 * or is proven to hold bytes that did ({@link SlotProof}): v1.1.0 switched, v1.1.0 confirmed and the
 * delta switched are saved only after such a check. The factory state is self-checked without
 * {@code --deep}: its only bootable slot, a, is proven by where its bytes came from, unwritten on the
 * way to v1.1.0 switched, whose {@code --deep} re-hashed it (docs/reliability.md, "What a forked point
 * re-hashes").
 */
final class PhaseStates {
    /** How a verified state is checked before it is saved ({@link #check}): an input of its key. */
    private static final String PROVEN = "nx selfcheck OK, with --deep unless every bootable slot is proven to hold"
            + " bytes that passed it (unchanged since the parent state, or the same as in a checked phase state)";
    /** An apply made from a phase state runs without a selfcheck of its own: the state's last command wrote the host status. */
    private static final String NO_SELFCHECK = " (no selfcheck first: the parent state's check wrote the host status)";
    /** How a state is paused in the middle of an operation ({@link QemuVm#pauseWhen}): an input of its key. */
    private static final String NO_FIRMWARE = " with no hart in OpenSBI";
    /** A restart may take a trial boot that fails health, then the boot of the previous slot. */
    static final Duration SETTLE = Duration.ofSeconds(480);
    private static final String SWITCHED = "powercut-v" + Nx.HEALTHY + "-switched";
    private static final String CONFIRMED = "powercut-v" + Nx.HEALTHY + "-confirmed";
    private static final String DELTA_SWITCHED = "powercut-delta-switched";

    private final QemuVm vm;
    private final GuestConsole console;
    private final Nx nx;
    private final SlotProof proof;
    private final Consumer<String> say;
    private final Map<Phase, SnapshotRecipe> byPhase = new EnumMap<>(Phase.class);
    /** Every phase state, in the order each is made from the one before it. */
    private final List<SnapshotRecipe> chain = new ArrayList<>();
    /** The states saved in the middle of an operation, and how. */
    private final Map<SnapshotRecipe, Pause> pausing = new HashMap<>();
    private final SnapshotRecipe switched;

    /**
     * How a phase state paused in the middle of an operation was made: {@code command} typed, the guest
     * paused at the first line {@code at} accepts, before any line {@code notYet} accepts.
     */
    private record Pause(String command, Marker at, Marker notYet) {}

    PhaseStates(QemuVm vm, GuestConsole console, Nx nx, SlotProof proof, Consumer<String> say) {
        this.vm = vm;
        this.console = console;
        this.nx = nx;
        this.proof = proof;
        this.say = say;
        SnapshotRecipe idle = SnapshotRecipe.FACTORY_AT_CONSOLE.then("powercut-factory-checked", "healthd's bound "
                + Nx.HEALTH_BOUND.toSeconds() + " s in the host policy; " + Nx.SELFCHECK + " OK", v -> {
                    nx.boundHealth();
                    nx.selfcheck(Nx.SELFCHECK, "the selfcheck of the factory image");
                });
        SnapshotRecipe applyOk = paused(idle, "powercut-v" + Nx.HEALTHY + "-apply-ok", new Pause(Nx.APPLY_FULL,
                Marker.UPDATE_APPLY_OK, Marker.UPDATE_AWAIT_CONFIRM), NO_SELFCHECK);
        switched = applyOk.then(SWITCHED, "the apply goes on to its prompt, ending in"
                + " await-confirm; " + PROVEN, v -> {
                    PausedState from = record(applyOk);
                    int end = console.waitFor(console.lastBootStart(), l -> Nx.matches(Marker.UPDATE_AWAIT_CONFIRM).test(l.text()),
                            Nx.APPLY, "'" + Marker.UPDATE_AWAIT_CONFIRM.line() + "' after the resumed apply");
                    console.promptAfter(end, "the prompt after the resumed apply");
                    check(SWITCHED, "v" + Nx.HEALTHY + " switched", idle, from.written());
                });
        SnapshotRecipe trialReady = paused(switched, "powercut-v" + Nx.HEALTHY + "-trial-ready", new Pause(Nx.REBOOT,
                Marker.BUNDLE_READY, Marker.GUEST_SHELL_READY), "");
        SnapshotRecipe confirmed = trialReady.then(CONFIRMED, "the trial boot goes on:"
                + " settle in any boot; version " + Nx.HEALTHY + " with no trial; " + PROVEN, v -> {
                    PausedState from = record(trialReady);
                    learned(switched, from.status());
                    console.settle(console.lastBootStart(), SETTLE);
                    nx.requireConfirmed();
                    check(CONFIRMED, "v" + Nx.HEALTHY + " confirmed", switched, from.written());
                });
        SnapshotRecipe deltaSwitched = confirmed.then(DELTA_SWITCHED, "nx update apply " + Nx.DELTA
                + NO_SELFCHECK + " ends in await-confirm; " + PROVEN, v -> {
                    learned(confirmed, nx.status());
                    String why = nx.install(Nx.DELTA);
                    if (why != null) throw new AssertionError("could not set up a trial to roll back: " + why);
                    check(DELTA_SWITCHED, "the delta switched", confirmed, Set.of());
                });
        chain.addAll(List.of(idle, applyOk, switched, trialReady, confirmed, deltaSwitched));
        for (Phase p : Phase.values()) byPhase.put(p, chain.get(p.ordinal()));
    }

    /** A state reached from {@code from}: {@code nx status} and {@code nx history} there, then {@code how}'s command, paused. */
    private SnapshotRecipe paused(SnapshotRecipe from, String name, Pause how, String note) {
        SnapshotRecipe r = from.then(name, "nx status; nx history; " + how.command() + note + ", the guest paused at '"
                + how.at().template() + "'" + NO_FIRMWARE, v -> pauseDuring(how.command(), how.at()));
        pausing.put(r, how);
        return r;
    }

    /** The state a point of {@code phase} starts from. */
    SnapshotRecipe of(Phase phase) {
        return byPhase.get(phase);
    }

    /** Whether {@code state} is saved in the middle of an operation. */
    boolean paused(SnapshotRecipe state) {
        return pausing.containsKey(state);
    }

    /** Notes {@code status}, asked in {@code state}: a verified state's is what later checks are proven against. */
    void learned(SnapshotRecipe state, StatusReply status) {
        if (chain.indexOf(state) >= chain.indexOf(switched) && !paused(state)) proof.verified(state, status);
    }

    /**
     * Makes the phase states {@code points} start from, before the first of them, when the cache lacks
     * them, so that no point pays for making a state and none is made twice: in update order, each on
     * from the one before it as the guest is, just made ({@link QemuVm#reachOnward}), except v1.1.0
     * switched, made from a restore of the paused apply: its saved disk then holds only what was
     * written after {@code update: apply ok}, which proves a {@code switch} point's slot b by where its
     * bytes came from ({@link SlotProof#sameBytes}).
     */
    void make(List<Point> points) {
        makeUpTo(last(points));
    }

    /**
     * Makes, as {@link #make(List)} does, the phase states up to the one a point of {@code phase} starts
     * from, when the cache lacks them: for a test that needs that device, and leaves the states made
     * for {@code PowerCutIT} to restore.
     */
    void make(Phase phase) {
        makeUpTo(phase.ordinal());
    }

    private void makeUpTo(int last) {
        long t0 = System.nanoTime();
        List<String> reached = new ArrayList<>();
        for (SnapshotRecipe r : chain.subList(0, last + 1)) {
            if (vm.saved(r).isPresent()) continue;
            if (r.equals(switched)) {
                vm.reach(r);
            } else {
                vm.reachOnward(r);
            }
            reached.add(r.name());
        }
        if (!reached.isEmpty()) {
            say.accept(String.format(Locale.ROOT, "phase states ready in %.1f s (made here, or restored after another JVM"
                    + " made them): %s", (System.nanoTime() - t0) / 1e9, reached));
        }
    }

    private int last(List<Point> points) {
        return points.stream().mapToInt(p -> p.phase().ordinal()).max().orElse(-1);
    }

    /**
     * Makes sure the status in v1.1.0 switched is known when {@code points} need that state anyway: the
     * factory state's slot a and a written slot b are proven against it. From the record of the state
     * paused in its trial boot when that is saved (it asked {@code nx status} there first), else by
     * restoring it ({@code restore}).
     */
    void knowSwitched(List<Point> points, Consumer<SnapshotRecipe> restore) {
        if (proof.verified(switched).isPresent() || last(points) < chain.indexOf(switched)) return;
        SnapshotRecipe trialReady = of(Phase.CONFIRM);
        if (vm.saved(trialReady).isPresent()) {
            learned(switched, record(trialReady).status());
        } else {
            restore.accept(switched);
        }
    }

    /** The recorded facts of {@code state}, paused in the middle of its operation (made first when unknown). */
    PausedState record(SnapshotRecipe state) {
        Pause how = pausing.get(state);
        if (vm.saved(state).isEmpty()) vm.reach(state);
        return PausedState.of(vm.saved(state).orElseThrow(), how.command(), how.at(), how.notYet());
    }

    /**
     * The steps of a state paused in the middle of an operation: {@code nx status} and {@code nx
     * history} in the state it starts from (recorded with the state: {@link PausedState}), then
     * {@code command}, the guest paused at the first line {@code at} accepts. The snapshot is taken
     * while it is paused; it goes on when saved.
     */
    private void pauseDuring(String command, Marker at) {
        nx.status();
        nx.history();
        CompletableFuture<Void> paused = vm.pauseWhen(Nx.matches(at));
        vm.type(command);
        try {
            paused.get(vm.config().scale().scale(Nx.APPLY).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("'" + command + "' did not reach '" + at.template() + "' to pause at", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting to pause at '" + at.template() + "'", e);
        }
    }

    /**
     * The check a verified state passes before it is saved: {@code nx selfcheck}, with {@code --deep}
     * unless every bootable slot is proven ({@link SlotProof}) against {@code basis}'s status, when
     * that is a verified state (the VM's overlay was made at {@code basis} or before it, so it and
     * {@code alsoWritten} hold every write since), or the same bytes as a verified state's, compared.
     */
    private void check(String state, String what, SnapshotRecipe basis, Set<String> alsoWritten) {
        StatusReply now = nx.status();
        Set<String> sinceRestore = vm.disk().partitionsWritten();
        Set<String> written = new TreeSet<>(alsoWritten);
        written.addAll(sinceRestore);
        SlotProof.Verdict v = proof.check(now, Optional.of(new SlotProof.Fork(Optional.empty(), proof.verified(basis),
                written, sinceRestore)));
        say.accept("the state " + what + ": " + v.describe());
        nx.selfcheck(v.selfcheck(), v.selfcheck() + " of " + what);
        chain.stream().filter(r -> r.name().equals(state)).forEach(r -> learned(r, now));
    }
}
