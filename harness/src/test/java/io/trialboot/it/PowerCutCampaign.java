package io.trialboot.it;

import io.trialboot.apply.Progress;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SavedState;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.it.CutPlan.Phase;
import io.trialboot.it.CutPlan.Point;
import io.trialboot.it.CutTally.Kind;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives one VM through the points of a {@link CutPlan}. For each point: bring the device to the
 * phase's starting state (restored from its snapshot, see {@link #states}; with snapshots off, by
 * uncut operations from whatever the previous point left), record the history, arm the cut, start the operation, wait for QEMU to die, restart on the same overlay, wait
 * for the console of whichever boot gets there, then check: booted slot verified or good, boot
 * control consistent, {@code nx selfcheck} OK (the log chain, {@code domain.json}, each bootable slot's
 * record) and {@code --deep} (every bootable slot re-hashed) unless each bootable slot is proven
 * unchanged since its deep-checked snapshot ({@link #rehashed}), the history before the cut still
 * there, every durable step the console reported before the cut still recorded, the stage-0 boot
 * count and tries not rolled back; and finally retry the interrupted operation.
 */
final class PowerCutCampaign {
    /** v1.1.0: healthy, a full image. */
    static final String FULL = "pkg://updates/releases/1.1.0/manifest.nxm";
    /** v1.2.0: a delta from v1.1.0 whose service never becomes ready (its trial fails health). */
    static final String DELTA = "pkg://updates/releases/1.2.0/manifest.nxm";
    private static final Version HEALTHY = Version.parse("1.1.0");
    private static final String APPLY_FULL = "nx update apply " + FULL;
    private static final String REBOOT = "nx reboot";
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final Duration APPLY = Duration.ofSeconds(600);
    /** A restart may take a trial boot that fails health, then the boot of the previous slot. */
    private static final Duration SETTLE = Duration.ofSeconds(480);
    /** Stage 0 speaks about 5 s after OpenSBI's banner here (journal replay after a cut included). */
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final Pattern SEQ = Pattern.compile("history: #([0-9]+) (\\S+) ?(.*)");
    private static final Pattern RELEASE = Pattern.compile("release=rel-([0-9.]+)@");
    /** Re-hashes every bootable slot; each phase's starting state passed it, or was proven to, before it was saved. */
    private static final String DEEP = "nx selfcheck --deep";
    /** How each phase state after the first is checked before it is saved ({@link #checkState}): an input of its key. */
    private static final String PROVEN = "nx selfcheck OK, with --deep unless every bootable slot is proven to hold"
            + " bytes that passed it (unchanged since the parent state, or the same as in a checked phase state)";
    /**
     * A phase state's apply runs without a selfcheck of its own: the parent state's check, the last
     * command before it was saved, wrote the latest host status the device's precheck reads.
     */
    private static final String NO_SELFCHECK = " (no selfcheck first: the parent state's check wrote the host status)";
    /** How a state is paused in the middle of an operation ({@link QemuVm#pauseWhen}): an input of its key. */
    private static final String NO_FIRMWARE = " with no hart in OpenSBI";
    private static final Pattern STATUS_OK = Pattern.compile("host_status_[0-9]+\\.json: OK");
    /** Durable steps the console reports, and the history event each must have left. */
    private static final Map<Marker, String> DURABLE = Map.of(
            Marker.UPDATE_APPLY_OK, "apply",
            Marker.UPDATE_AWAIT_CONFIRM, "switch",
            Marker.HEALTH_TRIAL_OK, "confirm",
            Marker.UPDATE_ROLLED_BACK, "rollback",
            Marker.HEALTH_FAIL_ROLLBACK, "rollback",
            Marker.BOOTCTLD_READY, "boot");

    private final QemuVm vm;
    private final GuestConsole console;
    private final CutPlan plan;
    private final int worker;
    private final CutTally tally;
    /** What the current point has found so far; counted with the point when it ends. */
    private final List<CutTally.Failure> found = new ArrayList<>();
    /** The point running, to name it when a boot stalls; null before the first. */
    private Point current;

    private final Runnable afterEachPoint;
    /** Each phase's starting state, a snapshot made once by uncut operations and restored for every point. */
    private final Map<Phase, SnapshotRecipe> states;
    /** {@code nx status} and the history in each restored starting state (the same in every fork of it), asked once. */
    private final Map<BootBoundary.Restore, Start> atStart = new HashMap<>();
    /**
     * {@code nx status} in each phase state met or made so far, by name: each bootable slot in it passed {@code nx
     * selfcheck --deep} or was proven to ({@link #checkState}), so a slot with its bytes there and the
     * same signed root passed too ({@link #rehashed}).
     */
    private final Map<String, StatusReply> checked = new LinkedHashMap<>();
    /** The phase states by name. */
    private final Map<String, SnapshotRecipe> recipes = new HashMap<>();
    /** Every phase state, in the order each is made from the one before it. */
    private final List<SnapshotRecipe> chain = new ArrayList<>();
    /** The phase states saved in the middle of an operation, and how. */
    private final Map<SnapshotRecipe, Pause> pausing = new HashMap<>();

    /** The device where a point starts: its status and its history lines. */
    private record Start(StatusReply status, List<String> history) {}

    /**
     * Worker {@code worker} of the plan, on its own VM, counting into the shared {@code tally}.
     * {@code afterEachPoint} runs after every point (the summary is rewritten, so a stopped campaign leaves one).
     */
    PowerCutCampaign(QemuVm vm, CutPlan plan, int worker, CutTally tally, Runnable afterEachPoint) {
        this.vm = vm;
        this.console = new GuestConsole(vm, STALL, why -> {
            say("stalled before stage 0 (" + why + "): powering on again");
            tally.stalled(current == null ? "before the first point" : current.describe(plan.seed()), why);
        });
        this.plan = plan;
        this.worker = worker;
        this.tally = tally;
        this.afterEachPoint = afterEachPoint;
        this.states = states();
        chain.forEach(r -> recipes.put(r.name(), r));
    }

    /**
     * The phases' starting states, each reached from the one before by the uncut operations that
     * {@link #prepare} would run: the factory image settled and self-checked (a full apply and the
     * switch start there); v1.1.0 applied and switched, its trial pending (the trial boot's stage-0
     * decrement and the confirm); v1.1.0 confirmed (the delta apply); the v1.2.0 delta applied and
     * switched (the rollback).
     */
    private Map<Phase, SnapshotRecipe> states() {
        SnapshotRecipe idle = SnapshotRecipe.FACTORY_AT_CONSOLE.then("powercut-factory-checked", DEEP + " OK",
                v -> requireOk(console.run(DEEP, APPLY), "the deep selfcheck of the factory image"));
        SnapshotRecipe applyOk = idle.then("powercut-v" + HEALTHY + "-apply-ok", "nx status; nx history; nx update apply "
                + FULL + NO_SELFCHECK + ", the guest paused at '" + Marker.UPDATE_APPLY_OK.template() + "'" + NO_FIRMWARE,
                v -> pauseDuring(APPLY_FULL, Marker.UPDATE_APPLY_OK));
        String switchedName = "powercut-v" + HEALTHY + "-switched";
        SnapshotRecipe switched = applyOk.then(switchedName, "the apply goes on to its prompt, ending in await-confirm; "
                + PROVEN, v -> {
                    PausedState from = paused(applyOk);
                    int end = console.waitFor(lastBootStart(), l -> matches(Marker.UPDATE_AWAIT_CONFIRM).test(l.text()),
                            APPLY, "'" + Marker.UPDATE_AWAIT_CONFIRM.line() + "' after the resumed apply");
                    console.promptAfter(end, "the prompt after the resumed apply");
                    checked.put(switchedName, checkState("v" + HEALTHY + " switched", from.status(), from.written()));
                });
        SnapshotRecipe trialReady = switched.then("powercut-v" + HEALTHY + "-trial-ready", "nx status; nx history; nx"
                + " reboot, the trial boot paused at '" + Marker.BUNDLE_READY.template() + "'" + NO_FIRMWARE,
                v -> pauseDuring(REBOOT, Marker.BUNDLE_READY));
        String confirmedName = "powercut-v" + HEALTHY + "-confirmed";
        SnapshotRecipe confirmed = trialReady.then(confirmedName, "the trial boot goes on: settle in any boot;"
                + " version " + HEALTHY + " with no trial; " + PROVEN, v -> {
                    PausedState from = paused(trialReady);
                    console.settle(lastBootStart(), SETTLE);
                    requireConfirmed();
                    checked.put(confirmedName, checkState("v" + HEALTHY + " confirmed", from.status(), from.written()));
                });
        String deltaName = "powercut-delta-switched";
        SnapshotRecipe deltaTrial = confirmed.then(deltaName, "nx update apply " + DELTA + NO_SELFCHECK
                + " ends in await-confirm; " + PROVEN, v -> {
                    StatusReply parent = status();
                    require(install(DELTA), "set up a trial to roll back");
                    checked.put(deltaName, checkState("the delta switched", parent, Set.of()));
                });
        Map<Phase, SnapshotRecipe> m = new EnumMap<>(Phase.class);
        m.put(Phase.FULL_APPLY, idle);
        m.put(Phase.SWITCH, applyOk);
        m.put(Phase.STAGE0_DECREMENT, switched);
        m.put(Phase.CONFIRM, trialReady);
        m.put(Phase.DELTA_APPLY, confirmed);
        m.put(Phase.ROLLBACK, deltaTrial);
        chain.addAll(List.of(idle, applyOk, switched, trialReady, confirmed, deltaTrial));
        pausing.put(applyOk, new Pause(APPLY_FULL, Marker.UPDATE_APPLY_OK, Marker.UPDATE_AWAIT_CONFIRM));
        pausing.put(trialReady, new Pause(REBOOT, Marker.BUNDLE_READY, Marker.GUEST_SHELL_READY));
        return m;
    }

    /**
     * How a phase state paused in the middle of an operation was made: {@code command} typed, the guest
     * paused at the first line {@code at} accepts, before any line {@code notYet} accepts.
     */
    private record Pause(String command, Marker at, Marker notYet) {}

    /**
     * The steps of a state paused in the middle of an operation: {@code nx status} and {@code nx
     * history} in the checked state it starts from (recorded with the state: {@link PausedState}),
     * then {@code command}, the guest paused at the first line {@code at} accepts. The snapshot is
     * taken while it is paused; it goes on when saved.
     */
    private void pauseDuring(String command, Marker at) {
        status();
        history();
        CompletableFuture<Void> paused = vm.pauseWhen(matches(at));
        vm.type(command);
        try {
            paused.get(vm.config().scale().scale(APPLY).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("'" + command + "' did not reach '" + at.template() + "' to pause at", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting to pause at '" + at.template() + "'", e);
        }
    }

    /** The recorded facts of {@code state}, paused in the middle of its operation (made first when unknown). */
    private PausedState paused(SnapshotRecipe state) {
        Pause how = pausing.get(state);
        if (vm.saved(state).isEmpty()) vm.reach(state);
        return PausedState.of(vm.saved(state).orElseThrow(), how.command(), how.at(), how.notYet());
    }

    /** Index of the line that opened the last boot on the console (a banner or a restore line); 0 when none. */
    private int lastBootStart() {
        List<ConsoleLine> all = console.lines(0, console.mark());
        for (int i = all.size() - 1; i >= 0; i--) {
            if (BootBoundary.startsNewBoot(all.get(i).text())) return i;
        }
        return 0;
    }

    private void requireConfirmed() {
        StatusReply st = status();
        if (!st.version().equals(HEALTHY) || st.trial().isPresent()) {
            throw new AssertionError("v" + HEALTHY + " was not confirmed: " + st);
        }
    }

    /** Runs this worker's points of the plan; stops early only when the device is bricked. */
    void run() {
        say("power-cut campaign seed=" + plan.seed() + " points=" + plan.points() + (plan.only().isEmpty() ? ""
                : " only=" + plan.only()) + (plan.workers() == 1 ? "" : " worker " + (worker + 1) + " of "
                + plan.workers() + " (" + vm.runDir().getFileName() + ")"));
        if (!forks()) {
            requireOk(console.run("nx selfcheck", COMMAND), "the first selfcheck");
        } else {
            makeStates();
        }
        for (Point p : plan.run(worker)) {
            long t0 = System.nanoTime();
            boolean alive = point(p);
            tally.tried(p, plan.seed(), found);
            found.clear();
            afterEachPoint.run();
            if (!alive) {
                say("device bricked at point " + p.index() + ": campaign stopped");
                return;
            }
            say(String.format(Locale.ROOT, "point %d done in %.1f s", p.index(), (System.nanoTime() - t0) / 1e9));
        }
    }

    private boolean point(Point p) {
        current = p;
        long t0 = System.nanoTime();
        Optional<StatusReply> start = Optional.empty();
        Duration bannerDelay = p.trigger().anchor() == CutPlan.Anchor.BANNER
                ? stage0Time().multipliedBy(p.trigger().percent()).dividedBy(100) : p.trigger().delay();
        List<String> before;
        SnapshotRecipe state = states.get(p.phase());
        Optional<PausedState> resumed = Optional.empty();
        if (forks()) {
            if (p.phase() == Phase.SWITCH) knowSwitched();
            if (pausing.containsKey(state)) {
                PausedState at = paused(state);
                checked.putIfAbsent(state.parent().orElseThrow().name(), at.status());
                resumed = Optional.of(at);
                start = Optional.of(at.status());
                before = at.history();
            } else {
                Start s = startOf(state);
                start = Optional.of(s.status());
                before = s.history();
            }
        } else {
            prepare(p.phase());
            before = history();
        }
        AtomicBoolean live = new AtomicBoolean(true);
        say(p.describe(plan.seed()));
        say("replay: -D" + CutPlan.SEED + "=" + plan.seed() + " -D" + CutPlan.POINTS + "=" + plan.points()
                + " -D" + CutPlan.ONLY + "=" + p.index());
        int armedAt;
        if (resumed.isPresent()) {
            // restored paused at the anchor line, the operation running since it: the delay starts as it goes on
            vm.reach(state);
            armedAt = console.mark();
            vm.power().cutIn(p.trigger().delay());
        } else {
            armedAt = console.mark();
            arm(p, live, bannerDelay);
            start(p.phase());
        }
        long reached = System.nanoTime();
        boolean fired = console.awaitExit(APPLY);
        live.set(false);
        if (!fired) {
            say("point " + p.index() + ": the trigger did not fire before the operation ended; cutting now");
            vm.powerCut();
        }
        long cut = System.nanoTime();
        int cutAt = console.mark();
        List<String> beforeCut = new ArrayList<>(resumed.map(PausedState::operation).orElse(List.of()));
        beforeCut.addAll(texts(console.lines(armedAt, cutAt)));
        vm.restart();
        int ready;
        try {
            ready = console.settle(cutAt, SETTLE);
        } catch (GuestConsole.Stuck e) {
            fail(p, Kind.BRICK, e.getMessage());
            return false;
        }
        long settled = System.nanoTime();
        List<String> after = check(p, start, resumed.map(r -> state), resumed.map(PausedState::written).orElse(Set.of()),
                before, beforeCut, texts(console.lines(cutAt, ready + 1)));
        long checkedAt = System.nanoTime();
        retry(p, before, after);
        say(String.format(Locale.ROOT, "point %d times: start %.1f s, operation to the cut %.1f s, cut to the"
                + " console %.1f s, checks %.1f s, retry %.1f s", p.index(), (reached - t0) / 1e9, (cut - reached) / 1e9,
                (settled - cut) / 1e9, (checkedAt - settled) / 1e9, (System.nanoTime() - checkedAt) / 1e9));
        return true;
    }

    /**
     * Brings the device to {@code state} (restored, or made by its steps and saved) and returns its
     * status and history there: asked once per restored snapshot (every fork of it is the same
     * device), afresh when the steps ran just now.
     */
    private Start startOf(SnapshotRecipe state) {
        int from = console.mark();
        vm.reach(state);
        Optional<BootBoundary.Restore> restored = lastBoot(console.lines(from, console.mark()))
                .flatMap(BootBoundary::restore).filter(r -> r.snapshot().equals(state.name()));
        Start s = restored.isPresent() ? atStart.computeIfAbsent(restored.get(), r -> new Start(status(), history()))
                : new Start(status(), history());
        checked.putIfAbsent(state.name(), s.status());
        return s;
    }

    /**
     * Makes the phase states this worker's points start from, before the first point, when the
     * cache lacks the last of them in update order: one chain of uncut operations, each state's
     * steps going on from the one before it (saved on the way, no restore between), so that no
     * point pays for making a state and none is made twice.
     */
    private void makeStates() {
        int last = plan.run(worker).stream().mapToInt(p -> chain.indexOf(states.get(p.phase()))).max().orElse(-1);
        long t0 = System.nanoTime();
        List<String> made = new ArrayList<>();
        for (SnapshotRecipe r : chain.subList(0, last + 1)) {
            if (vm.saved(r).isPresent()) continue;
            vm.reach(r);
            made.add(r.name());
        }
        if (!made.isEmpty()) {
            say(String.format(Locale.ROOT, "phase states made in %.1f s: %s", (System.nanoTime() - t0) / 1e9, made));
        }
    }

    /**
     * Makes sure the status in {@code powercut-v1.1.0-switched} is known when this run needs that
     * state anyway: what a cut after 'apply ok' is compared with. From the record of the state paused
     * in its trial boot when that is saved (it asked {@code nx status} there first), else by restoring it.
     */
    private void knowSwitched() {
        SnapshotRecipe switched = states.get(Phase.STAGE0_DECREMENT);
        SnapshotRecipe trialReady = states.get(Phase.CONFIRM);
        if (checked.containsKey(switched.name())
                || plan.run(worker).stream().noneMatch(q -> chain.indexOf(states.get(q.phase())) >= chain.indexOf(switched))) {
            return;
        }
        if (vm.saved(trialReady).isPresent()) {
            checked.put(switched.name(), paused(trialReady).status());
        } else {
            startOf(switched);
        }
    }

    private static List<String> texts(List<ConsoleLine> lines) {
        return lines.stream().map(ConsoleLine::text).toList();
    }

    /** The line that opened the last boot in {@code lines} (a banner or a restore line), if any. */
    private static Optional<String> lastBoot(List<ConsoleLine> lines) {
        String last = null;
        for (ConsoleLine l : lines) {
            if (BootBoundary.startsNewBoot(l.text())) last = l.text();
        }
        return Optional.ofNullable(last);
    }

    /** Whether points start from their phase's snapshot (else uncut operations bring the device there). */
    private boolean forks() {
        return vm.config().snapshots().enabled() && vm.config().containerImage().isEmpty();
    }

    // ---- the phases ----

    private void prepare(Phase phase) {
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

    /** Arms the point's cut, {@code delay} after its anchor line. */
    private void arm(Point p, AtomicBoolean live, Duration delay) {
        CutPlan.Trigger t = p.trigger();
        Predicate<String> anchor = switch (t.anchor()) {
            case PROGRESS -> text -> Progress.parse(text).map(pr -> pr.written() * 100 >= pr.total() * t.percent()).orElse(false);
            case APPLY_OK -> matches(Marker.UPDATE_APPLY_OK);
            case BANNER -> text -> text.startsWith("OpenSBI v");
            case BUNDLE_READY -> matches(Marker.BUNDLE_READY);
            case ROLLBACK_TYPED -> text -> text.strip().endsWith("nx rollback");
        };
        vm.power().cutWhen(text -> live.get() && anchor.test(text), delay);
    }

    private void start(Phase phase) {
        switch (phase) {
            case FULL_APPLY, SWITCH -> vm.type(APPLY_FULL);
            case DELTA_APPLY -> vm.type("nx update apply " + DELTA);
            case STAGE0_DECREMENT, CONFIRM -> vm.type(REBOOT);
            case ROLLBACK -> vm.type("nx rollback");
        }
    }

    /**
     * Runs the interrupted operation again. An apply goes without a selfcheck of its own: the check's
     * selfcheck just wrote the latest host status, which the device's precheck reads.
     */
    private void retry(Point p, List<String> before, List<String> after) {
        List<String> added = events(after.subList(Math.min(before.size(), after.size()), after.size()));
        String why = switch (p.phase()) {
            case FULL_APPLY, SWITCH -> added.contains("switch") ? null : install(FULL);
            case DELTA_APPLY -> added.contains("switch") ? null : install(DELTA);
            case STAGE0_DECREMENT, CONFIRM -> added.contains("confirm") || confirmsOnItsOwn(before) ? null : install(FULL);
            case ROLLBACK -> status().trial().isEmpty() ? null : rollbackFails();
        };
        if (why != null) {
            fail(p, Kind.RETRY_FAILED, why);
        } else {
            say("point " + p.index() + ": " + (added.isEmpty() ? "nothing recorded" : "recorded " + added)
                    + "; retry ok");
        }
    }

    /**
     * The restart booted the v1.1.0 trial again: healthd confirms it by itself, maybe only after the
     * console came up. True once the trial is confirmed (recorded after {@code before}); false when
     * the device fell back instead (then the retry installs v1.1.0 again).
     */
    private boolean confirmsOnItsOwn(List<String> before) {
        long deadline = System.nanoTime() + vm.config().scale().scale(SETTLE).toNanos();
        while (System.nanoTime() < deadline) {
            StatusReply st = status();
            if (!HEALTHY.equals(st.version())) {
                return false;
            }
            if (st.trial().isEmpty()) {
                List<String> after = history();
                return events(after.subList(Math.min(before.size(), after.size()), after.size())).contains("confirm");
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

    // ---- the checks after a cut ----

    /** The checks after the cut; returns the history after them. */
    private List<String> check(Point p, Optional<StatusReply> start, Optional<SnapshotRecipe> resumed, Set<String> alsoWritten,
            List<String> before, List<String> beforeCut, List<String> restart) {
        StatusReply st = status();
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
        restart.stream().filter(t -> t.startsWith("stage0: ") && t.contains("mode=recovery"))
                .findFirst().ifPresent(t -> wrong.add("stage 0 could not read boot control: " + t));
        String selfcheckCommand = rehashed("point " + p.index(), start, st, resumed, alsoWritten).isEmpty() ? "nx selfcheck" : DEEP;
        List<String> selfcheck = console.run(selfcheckCommand, APPLY);
        if (selfcheck.stream().noneMatch(l -> STATUS_OK.matcher(l.strip()).matches())) {
            wrong.add(selfcheckCommand + ": " + selfcheck);
        }
        if (!wrong.isEmpty()) {
            fail(p, Kind.UNVERIFIED, String.join("; ", wrong) + " (status " + st + ")");
        }
        List<String> after = history();
        List<String> lost = lost(before, beforeCut, restart, after);
        if (!lost.isEmpty()) {
            fail(p, Kind.LOST, String.join("; ", lost));
        }
        return after;
    }

    /**
     * The bootable slots whose bytes must be read back ({@code nx selfcheck --deep}) to know they
     * verify. Not a slot proven to hold bytes that passed that check and to name the same signed
     * verity root hash: bootable in {@code start} (a state whose slots passed it: a phase state, restored or
     * just made) with the same root and no byte of its partition written since the restore; or bootable with the
     * same root in a phase state met before ({@link #checked}) whose snapshot holds the very bytes its
     * partition holds now ({@link QemuVm#partitionAsIn}). Every bootable slot when there is no
     * {@code start} (the point did not fork). docs/reliability.md, "What a forked point re-hashes".
     */
    private List<Slot> rehashed(String who, Optional<StatusReply> start, StatusReply now, Optional<SnapshotRecipe> resumed,
            Set<String> alsoWritten) {
        Set<String> sinceRestore = start.isPresent() ? vm.partitionsWritten() : Set.of();
        Set<String> written = new TreeSet<>(alsoWritten);
        written.addAll(sinceRestore);
        List<Slot> rehash = new ArrayList<>();
        List<Slot> proven = new ArrayList<>();
        List<String> same = new ArrayList<>();
        for (Slot s : Slot.values()) {
            if (!now.state(s).bootable()) continue;
            String partition = "slot_" + s.letter();
            if (start.isPresent() && sameImage(start.get(), now, s) && !written.contains(partition)) {
                proven.add(s);
                continue;
            }
            Optional<String> as = start.isEmpty() ? Optional.empty() : checked.entrySet().stream()
                    .filter(e -> sameImage(e.getValue(), now, s))
                    .flatMap(e -> sameBytes(recipes.get(e.getKey()), partition, resumed, sinceRestore)
                            .map(how -> s + " as in " + e.getKey() + how).stream())
                    .findFirst();
            as.ifPresentOrElse(same::add, () -> rehash.add(s));
        }
        say(who + ": " + (start.isPresent() ? "partitions written since the restore: " + written : "not forked")
                + "; bootable slots re-hashed " + rehash + ", unchanged since their verified snapshot " + proven
                + (same.isEmpty() ? "" : ", the same bytes as in a verified snapshot " + same));
        return rehash;
    }

    /**
     * How partition {@code p} is known to hold the very bytes it holds in the checked state {@code c}'s
     * snapshot, if it is: when {@code c} was made from the state the point resumed ({@code resumed},
     * restored), and neither {@code c}'s own saved disk nor the point since its restore wrote a byte
     * of {@code p}, both hold that state's bytes; otherwise the two are compared byte for byte
     * ({@link QemuVm#partitionAsIn}).
     */
    private Optional<String> sameBytes(SnapshotRecipe c, String p, Optional<SnapshotRecipe> resumed, Set<String> sinceRestore) {
        if (resumed.isPresent() && c.parent().equals(resumed) && !sinceRestore.contains(p)
                && vm.saved(c).filter(SavedState::cached).filter(st -> !st.partitionsWritten().contains(p)).isPresent()) {
            return Optional.of(" (neither written since " + resumed.get().name() + ")");
        }
        return vm.partitionAsIn(c, p) ? Optional.of("") : Optional.empty();
    }

    /** Slot {@code s} is bootable in {@code then} and names the same signed verity root there as {@code now}. */
    private static boolean sameImage(StatusReply then, StatusReply now, Slot s) {
        return then.state(s).bootable() && verity(now, s).isPresent() && verity(now, s).equals(verity(then, s));
    }

    private static Optional<Sha256> verity(StatusReply st, Slot s) {
        return s == Slot.A ? st.verityA() : st.verityB();
    }

    /** What the cut took that was durable before it. */
    private List<String> lost(List<String> before, List<String> beforeCut, List<String> restart, List<String> after) {
        List<String> lost = new ArrayList<>();
        if (after.size() < before.size() || !after.subList(0, before.size()).equals(before)) {
            lost.add("history before the cut (" + before.size() + " lines) is not a prefix of the history after it ("
                    + after.size() + " lines)");
        }
        for (int i = 0; i < after.size(); i++) {
            Matcher m = SEQ.matcher(after.get(i));
            if (!m.matches() || Long.parseLong(m.group(1)) != i + 1) {
                lost.add("history line " + (i + 1) + " is '" + after.get(i) + "'");
                break;
            }
        }
        List<String> added = events(after.subList(Math.min(before.size(), after.size()), after.size()));
        for (Map.Entry<Marker, String> d : DURABLE.entrySet()) {
            long reported = beforeCut.stream().filter(matches(d.getKey())).count();
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

    // ---- getting the device where a phase starts (uncut) ----

    private void ensureIdle() {
        if (status().trial().isPresent()) {
            String why = rollbackFails();
            if (why != null) throw new AssertionError("could not settle the pending trial: " + why);
        }
    }

    private void ensureHealthyTrial() {
        if (status().trial().isPresent() && trialVersion().equals(Optional.of(HEALTHY.toString()))) {
            return;
        }
        ensureIdle();
        ensureNotOnHealthy();
        String why = applyFails(FULL);
        if (why != null) throw new AssertionError("could not install v" + HEALTHY + " for a trial: " + why);
    }

    /**
     * v1.1.0 cannot be installed over itself (a replay of the installed release is refused with
     * UPDATE_VERSION_FLOOR): a device that runs it goes back to the factory image on a fresh overlay.
     */
    private void ensureNotOnHealthy() {
        if (!status().version().equals(HEALTHY)) {
            return;
        }
        say("the device runs v" + HEALTHY + ", which it would refuse to install again: back to the factory image");
        int from = console.mark();
        vm.powerCut();
        vm.restartFromFactory();
        console.settle(from, SETTLE);
        requireOk(console.run("nx selfcheck", COMMAND), "the selfcheck after going back to the factory image");
    }

    private void ensureIdleOnHealthy() {
        ensureIdle();
        if (status().version().equals(HEALTHY)) {
            return;
        }
        ensureHealthyTrial();
        confirmTheHealthyTrial();
    }

    /** Reboots into the pending v1.1.0 trial and requires it confirmed once the console is back. */
    private void confirmTheHealthyTrial() {
        int from = console.mark();
        vm.type(REBOOT);
        console.settle(from, SETTLE);
        requireConfirmed();
    }

    private void ensureTrial() {
        if (status().trial().isPresent()) {
            return;
        }
        String why = applyFails(status().version().equals(HEALTHY) ? DELTA : FULL);
        if (why != null) throw new AssertionError("could not set up a trial to roll back: " + why);
    }

    /**
     * The check a phase state passes before it is saved: {@code nx selfcheck}, with {@code --deep}
     * unless every bootable slot is proven ({@link #rehashed}) against {@code parent}, the status in
     * the checked state the steps started from (the VM's overlay was made there or before it, so it
     * holds every write since). Returns the status it checked against: the state's own, for {@link #checked}.
     */
    private StatusReply checkState(String what, StatusReply parent, Set<String> alsoWritten) {
        StatusReply now = status();
        String command = rehashed("the state " + what, Optional.of(parent), now, Optional.empty(), alsoWritten).isEmpty()
                ? "nx selfcheck" : DEEP;
        requireOk(console.run(command, APPLY), command + " of " + what);
        return now;
    }

    // ---- nx ----

    /** Runs {@code nx selfcheck}, then {@code nx update apply}; null when it applied and switched, else why not. */
    private String applyFails(String manifest) {
        requireOk(console.run("nx selfcheck", COMMAND), "selfcheck before an apply");
        return install(manifest);
    }

    /** Runs {@code nx update apply} (the latest host status must be OK); null when it applied and switched, else why not. */
    private String install(String manifest) {
        List<String> out = console.run("nx update apply " + manifest, APPLY);
        return out.stream().anyMatch(matches(Marker.UPDATE_AWAIT_CONFIRM)) ? null
                : "nx update apply " + manifest + " did not end in '" + Marker.UPDATE_AWAIT_CONFIRM.line() + "': "
                        + out.subList(Math.max(0, out.size() - 6), out.size());
    }

    private static void require(String why, String what) {
        if (why != null) throw new AssertionError("could not " + what + ": " + why);
    }

    private String rollbackFails() {
        List<String> out = console.run("nx rollback", COMMAND);
        return out.stream().anyMatch(matches(Marker.UPDATE_ROLLED_BACK)) ? null : "nx rollback: " + out;
    }

    private StatusReply status() {
        return StatusReply.parse(console.run("nx status", COMMAND));
    }

    private List<String> history() {
        return console.run("nx history", COMMAND).stream().filter(l -> l.startsWith("history: #")).toList();
    }

    private Optional<String> trialVersion() {
        List<String> h = history();
        for (int i = h.size() - 1; i >= 0; i--) {
            Matcher m = SEQ.matcher(h.get(i));
            if (m.matches() && m.group(2).equals("switch")) {
                Matcher r = RELEASE.matcher(m.group(3));
                return r.find() ? Optional.of(r.group(1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<String> events(List<String> history) {
        List<String> events = new ArrayList<>();
        for (String l : history) {
            Matcher m = SEQ.matcher(l);
            if (m.matches()) events.add(m.group(2));
        }
        return events;
    }

    private static void requireOk(List<String> selfcheck, String what) {
        if (selfcheck.stream().noneMatch(l -> STATUS_OK.matcher(l.strip()).matches())) {
            throw new AssertionError(what + " is not OK: " + selfcheck);
        }
    }

    private static Predicate<String> matches(Marker marker) {
        LinePattern p = LinePattern.of(marker);
        return text -> p.match(text, Map.of()).isPresent();
    }

    /**
     * OpenSBI's banner to the stage-0 line in the latest boot on the console that has both (the boot
     * after an earlier point's cut, or the first boot when the VM booted cold); when there is none
     * yet (every state so far was restored), a cold boot of the factory image is made to time it.
     */
    private Duration stage0Time() {
        Optional<Duration> seen = bannerToStage0(console.lines(0, console.mark()));
        if (seen.isPresent()) {
            return seen.get();
        }
        say("no boot on the console yet to time OpenSBI's banner -> stage 0: a cold boot of the factory image");
        int from = console.mark();
        vm.powerCut();
        vm.restartFromFactory();
        console.settle(from, SETTLE);
        return bannerToStage0(console.lines(from, console.mark()))
                .orElseThrow(() -> new AssertionError("no banner and stage-0 line in the cold boot"));
    }

    /** Banner to stage-0 line of the last boot in {@code lines} that has both. */
    private static Optional<Duration> bannerToStage0(List<ConsoleLine> lines) {
        Duration banner = null;
        Duration found = null;
        for (ConsoleLine l : lines) {
            if (l.text().startsWith("OpenSBI v")) banner = l.at();
            if (banner != null && matches(Marker.STAGE0_BOOT).test(l.text())) {
                found = l.at().minus(banner);
                banner = null;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Notes a broken invariant of the current point and prints it at once (the table comes at the end). */
    private void fail(Point p, Kind kind, String why) {
        found.add(new CutTally.Failure(kind, why));
        say("point " + p.index() + " FAILED (" + kind.name().toLowerCase(Locale.ROOT) + "): " + why);
    }

    private void say(String line) {
        System.out.println(plan.workers() == 1 ? line : "[worker " + (worker + 1) + "] " + line);
    }
}
