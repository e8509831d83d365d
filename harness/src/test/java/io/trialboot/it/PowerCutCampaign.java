package io.trialboot.it;

import io.trialboot.apply.Progress;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.it.CutPlan.Phase;
import io.trialboot.it.CutPlan.Point;
import io.trialboot.it.CutTally.Kind;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Drives one VM through the points of a {@link CutPlan}. For each point: bring the device to the
 * phase's starting state (restored from its snapshot, {@link PhaseStates}; with snapshots off, by
 * uncut operations from whatever the previous point left, {@link UncutPhases}), record the history,
 * arm the cut, start the operation, wait for QEMU to die, restart on the same overlay, wait for the
 * console of whichever boot gets there, then check and retry the interrupted operation ({@link AfterCut}).
 */
final class PowerCutCampaign {
    /** Stage 0 speaks about 5 s after OpenSBI's banner here (journal replay after a cut included). */
    private static final Duration STALL = Duration.ofSeconds(120);

    private final QemuVm vm;
    private final GuestConsole console;
    private final Nx nx;
    private final CutPlan plan;
    private final int worker;
    private final CutTally tally;
    private final SlotProof proof;
    private final PhaseStates states;
    private final UncutPhases uncut;
    private final AfterCut afterCut;
    /** What the current point has found so far; counted with the point when it ends. */
    private final List<CutTally.Failure> found = new ArrayList<>();
    /** The point running, to name it when a boot stalls; null before the first. */
    private Point current;

    private final Runnable afterEachPoint;
    /** {@code nx status} and the history in each restored starting state (the same in every fork of it), asked once. */
    private final Map<BootBoundary.Restore, Start> atStart = new HashMap<>();

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
        this.nx = new Nx(console);
        this.plan = plan;
        this.worker = worker;
        this.tally = tally;
        this.afterEachPoint = afterEachPoint;
        this.proof = new SlotProof(vm::saved, vm.disk()::partitionAsIn);
        this.states = new PhaseStates(vm, console, nx, proof, this::say);
        this.uncut = new UncutPhases(vm, console, nx, this::say);
        this.afterCut = new AfterCut(vm, console, nx, proof, this::say);
    }

    /** Runs this worker's points of the plan; stops early only when the device is bricked. */
    void run() {
        say("power-cut campaign seed=" + plan.seed() + " points=" + plan.points() + (plan.only().isEmpty() ? ""
                : " only=" + plan.only()) + (plan.workers() == 1 ? "" : " worker " + (worker + 1) + " of "
                + plan.workers() + " (" + vm.runDir().getFileName() + ")"));
        if (forks()) {
            states.make(plan.run(worker));
        } else {
            uncut.begin();
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
        Duration bannerDelay = p.trigger().anchor() == CutPlan.Anchor.BANNER
                ? stage0Time().multipliedBy(p.trigger().percent()).dividedBy(100) : p.trigger().delay();
        List<String> before;
        SnapshotRecipe state = states.of(p.phase());
        // the state the device starts in: every write since it is known, and its slots are proven when it is verified
        SnapshotRecipe basis = state;
        Optional<PausedState> resumed = Optional.empty();
        if (forks()) {
            if (p.phase() == Phase.FULL_APPLY || p.phase() == Phase.SWITCH) states.knowSwitched(plan.run(worker), this::startOf);
            if (states.paused(state)) {
                PausedState at = states.record(state);
                basis = state.parent().orElseThrow();
                states.learned(basis, at.status());
                resumed = Optional.of(at);
                before = at.history();
            } else {
                before = startOf(state).history();
            }
        } else {
            uncut.prepare(p.phase());
            before = nx.history();
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
        boolean fired = console.awaitExit(Nx.APPLY);
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
            ready = console.settle(cutAt, PhaseStates.SETTLE);
        } catch (GuestConsole.Stuck e) {
            fail(p, Kind.BRICK, e.getMessage());
            return false;
        }
        long settled = System.nanoTime();
        SnapshotRecipe from = basis;
        Set<String> alsoWritten = resumed.map(PausedState::written).orElse(Set.of());
        AfterCut.Found f = afterCut.check("point " + p.index(), () -> forks() ? Optional.of(fork(state, from, alsoWritten))
                : Optional.empty(), before, beforeCut, texts(console.lines(cutAt, ready + 1)));
        f.unverified().forEach(why -> fail(p, Kind.UNVERIFIED, why));
        if (!f.lost().isEmpty()) fail(p, Kind.LOST, String.join("; ", f.lost()));
        long checkedAt = System.nanoTime();
        retry(p, before, f.history());
        say(String.format(Locale.ROOT, "point %d times: start %.1f s, operation to the cut %.1f s, cut to the"
                + " console %.1f s, checks %.1f s, retry %.1f s", p.index(), (reached - t0) / 1e9, (cut - reached) / 1e9,
                (settled - cut) / 1e9, (checkedAt - settled) / 1e9, (System.nanoTime() - checkedAt) / 1e9));
        return true;
    }

    /**
     * How a point restored from {@code restored} started: in {@code basis} ({@code restored} itself,
     * or the state a paused one was made from, whose writes since are {@code alsoWritten} on the
     * paused state's own disk), with every partition written since its restore (the guest paused for
     * the look). Asked after the checks' {@code nx status}, just before their selfcheck.
     */
    private SlotProof.Fork fork(SnapshotRecipe restored, SnapshotRecipe basis, Set<String> alsoWritten) {
        Set<String> sinceRestore = vm.disk().partitionsWritten();
        Set<String> written = new TreeSet<>(alsoWritten);
        written.addAll(sinceRestore);
        return new SlotProof.Fork(Optional.of(restored), proof.verified(basis), written, sinceRestore);
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
        Start s = restored.isPresent() ? atStart.computeIfAbsent(restored.get(), r -> new Start(nx.status(), nx.history()))
                : new Start(nx.status(), nx.history());
        states.learned(state, s.status());
        return s;
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

    /** Arms the point's cut, {@code delay} after its anchor line. */
    private void arm(Point p, AtomicBoolean live, Duration delay) {
        CutPlan.Trigger t = p.trigger();
        Predicate<String> anchor = switch (t.anchor()) {
            case PROGRESS -> text -> Progress.parse(text).map(pr -> pr.written() * 100 >= pr.total() * t.percent()).orElse(false);
            case APPLY_OK -> Nx.matches(Marker.UPDATE_APPLY_OK);
            case BANNER -> text -> text.startsWith("OpenSBI v");
            case BUNDLE_READY -> Nx.matches(Marker.BUNDLE_READY);
            case ROLLBACK_TYPED -> text -> text.strip().endsWith("nx rollback");
        };
        vm.power().cutWhen(text -> live.get() && anchor.test(text), delay);
    }

    private void start(Phase phase) {
        switch (phase) {
            case FULL_APPLY, SWITCH -> vm.type(Nx.APPLY_FULL);
            case DELTA_APPLY -> vm.type("nx update apply " + Nx.DELTA);
            case STAGE0_DECREMENT, CONFIRM -> vm.type(Nx.REBOOT);
            case ROLLBACK -> vm.type("nx rollback");
        }
    }

    /** Runs the interrupted operation again, and says what the point recorded. */
    private void retry(Point p, List<String> before, List<String> after) {
        List<String> added = Nx.added(before, after);
        afterCut.retry(p.phase(), added, before).ifPresentOrElse(why -> fail(p, Kind.RETRY_FAILED, why), () -> say("point "
                + p.index() + ": " + (added.isEmpty() ? "nothing recorded" : "recorded " + added) + "; retry ok"));
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
        console.settle(from, PhaseStates.SETTLE);
        return bannerToStage0(console.lines(from, console.mark()))
                .orElseThrow(() -> new AssertionError("no banner and stage-0 line in the cold boot"));
    }

    /** Banner to stage-0 line of the last boot in {@code lines} that has both. */
    private static Optional<Duration> bannerToStage0(List<ConsoleLine> lines) {
        Duration banner = null;
        Duration found = null;
        for (ConsoleLine l : lines) {
            if (l.text().startsWith("OpenSBI v")) banner = l.at();
            if (banner != null && Nx.matches(Marker.STAGE0_BOOT).test(l.text())) {
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
