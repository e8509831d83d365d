package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Saves a running guest and starts QEMU from a saved state, with QEMU's own migration: the guest
 * is stopped, its RAM and device state go to a file ({@code migrate} to {@code exec:cat > state})
 * and the overlay is copied beside it; a restore boots a fresh overlay whose backing file is that
 * copy with {@code -incoming exec:cat state}, then continues the guest. Both forms of the URI work
 * on QEMU 7.2 and 10.0 ({@code file:} came in 8.2). Why not {@code savevm}: see docs/testing.md,
 * "Snapshots". A state the cache lacks is made once per cache, under its lock ({@link MadeOnce}).
 */
final class Snapshots {
    private static final Duration MIGRATE = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(50);
    /**
     * The outgoing migration's rate limit while a state is saved (bytes/s), in place of QEMU's default
     * of 128 MiB/s, which a save met: the guest is stopped, nothing is to be migrated live, and the
     * stream goes to a file on this host. Its writer and hash ({@link CacheFiles#writeHashing}) set the pace.
     */
    static final long SAVE_BANDWIDTH = 64L << 30;

    private final VmConfig config;
    private final VmLifecycle lifecycle;
    private final ConsoleRecorder console;
    private final ConsoleTriggers lines;
    private final ContractAwaits awaits;
    private final PowerCuts cuts;
    private final VmClock clock;

    /** The console lines each state's steps printed when it was made, by name: this VM's, or a restored entry's. */
    private final Map<String, List<String>> stepLines = new ConcurrentHashMap<>();

    Snapshots(VmConfig config, VmLifecycle lifecycle, ConsoleRecorder console, ConsoleTriggers lines, ContractAwaits awaits,
            PowerCuts cuts, VmClock clock) {
        this.clock = clock;
        this.config = config;
        this.lifecycle = lifecycle;
        this.console = console;
        this.lines = lines;
        this.awaits = awaits;
        this.cuts = cuts;
    }

    /**
     * The state the guest is in, as the last {@link #reach} left it: in the QEMU {@code process},
     * with {@code typed} bytes typed into it then and its lines up to {@code line} (exclusive) before it.
     */
    private record At(String name, QemuProcess process, long typed, int line) {}

    /** Where the last reach left the guest; null before one. */
    private volatile At at;

    /**
     * See {@link QemuVm#reach} and, with {@code onward}, {@link QemuVm#reachOnward}: {@code vm} is
     * the VM this piece belongs to, which the steps drive.
     */
    void reach(QemuVm vm, SnapshotRecipe recipe, boolean onward) {
        SnapshotKey key = key(recipe);
        if (config.containerImage().isPresent()) {
            say("snapshot " + recipe.name() + ": cold path, QEMU runs in a container (snapshots serve the host's QEMU)");
            make(vm, recipe, key, onward);
            return;
        }
        Path run = config.runDir().toAbsolutePath();
        new MadeOnce(config.snapshots(), config.scale().scale(MadeOnce.WAIT), run.getParent().getFileName() + "/" + run.getFileName(),
                Snapshots::say).reach(recipe.name(), key, recipe.depth(), e -> restored(e, key), () -> make(vm, recipe, key, onward));
    }

    /** Restores {@code entry} and says so; false, said, when that failed (the entry is evicted: it would fail again). */
    private boolean restored(SnapshotCache.Entry entry, SnapshotKey key) {
        String name = entry.name();
        long t0 = clock.nanoTime();
        try {
            powerOff();
            long off = clock.nanoTime();
            cuts.clear();
            awaits.poweringOn();
            String phases = restore(entry, off);
            stepLines.put(name, entry.steps());
            at = new At(name, lifecycle.process(), lifecycle.process().typed(), console.size());
            say("snapshot " + name + " restored in " + (clock.nanoTime() - t0) / 1_000_000 + " ms (old QEMU off "
                    + (off - t0) / 1_000_000 + " ms, then " + phases + "; key " + key.hex() + ")");
            return true;
        } catch (HarnessException e) {
            say("snapshot " + name + ": cold path, the restore failed (" + evict(entry) + "): " + e.getMessage());
            return false;
        }
    }

    /** Runs {@code recipe}'s steps from its parent's state (reached first: made on from the guest as it is, when {@code onward} allows) and saves the state. */
    private void make(QemuVm vm, SnapshotRecipe recipe, SnapshotKey key, boolean onward) {
        String name = recipe.name();
        At here = at;
        int from;
        if (onward && here != null && recipe.parent().map(SnapshotRecipe::name).equals(Optional.of(here.name()))
                && here.process() == lifecycle.process() && here.process().alive() && here.process().typed() == here.typed()) {
            say("snapshot " + name + ": made on from " + here.name() + " as the guest is, not restored first");
            from = here.line();
        } else if (recipe.parent().isPresent()) {
            reach(vm, recipe.parent().get(), false);
            from = console.size();
        } else {
            powerOff();
            cuts.clear();
            awaits.poweringOn();
            int boot = vm.currentBoot() + 1;
            lifecycle.restartOn(config.image().disk());
            awaits.await(Contract.parse("power-on", "boot " + boot + "\nexpect 60s \"OpenSBI v<text>\"\n"));
            from = console.size();
        }
        recipe.steps().accept(vm);
        if (config.snapshots().off().isPresent() || config.containerImage().isPresent()) {
            stepLines.put(name, textsFrom(from));
        } else {
            try {
                long t0 = clock.nanoTime();
                SnapshotCache.Entry saved = save(name, key, from);
                say("snapshot " + name + " saved in " + (clock.nanoTime() - t0) / 1_000_000 + " ms to " + saved.dir());
            } catch (HarnessException | UncheckedIOException e) {
                stepLines.put(name, textsFrom(from));
                say("snapshot " + name + " not saved (the next run takes the cold path again): " + e.getMessage());
            }
        }
        QemuProcess p = lifecycle.process();
        at = p == null ? null : new At(name, p, p.typed(), from + stepLines.get(name).size());
    }

    /**
     * See {@link QemuVm#saved}: the console lines {@code recipe}'s steps printed when its state was
     * made, in this VM or as its cache entry recorded them, and the partitions its cached disk holds
     * writes of itself ({@code disk} reads them); empty when neither has it.
     */
    Optional<SavedState> saved(SnapshotRecipe recipe, DiskWrites disk) {
        List<String> known = stepLines.get(recipe.name());
        Optional<List<String>> lines = known != null ? Optional.of(known) : config.containerImage().isPresent()
                ? Optional.empty() : config.snapshots().find(recipe.name(), key(recipe)).entry().map(SnapshotCache.Entry::steps);
        Optional<Path> cached = cachedDisk(recipe);
        return lines.map(l -> new SavedState(recipe.name(), l, cached.isPresent(), cached.map(disk::ownedBy).orElse(Set.of())));
    }

    private List<String> textsFrom(int from) {
        return console.from(from).stream().map(ConsoleLine::text).toList();
    }

    /** The disk of {@code recipe}'s state in the cache, if a usable entry holds it for this VM (nothing runs its steps). */
    Optional<Path> cachedDisk(SnapshotRecipe recipe) {
        if (config.containerImage().isPresent()) return Optional.empty();
        return config.snapshots().find(recipe.name(), key(recipe)).entry().map(SnapshotCache.Entry::disk);
    }

    /** Takes {@code entry}, which did not restore, out of the cache; says what became of it. */
    private String evict(SnapshotCache.Entry entry) {
        try {
            config.snapshots().evict(entry);
            return "evicted " + entry.dir();
        } catch (UncheckedIOException e) {
            return "not evicted: " + e.getMessage();
        }
    }

    /** Kills the QEMU running now, if any: its state is about to be replaced. */
    private void powerOff() {
        if (lifecycle.process() != null && lifecycle.isRunning()) lifecycle.powerCut();
    }

    static void say(String line) {
        System.out.println("trialboot: " + line);
    }

    /** The key of {@code recipe}'s state for this VM's QEMU, command line and image. */
    SnapshotKey key(SnapshotRecipe recipe) {
        return SnapshotKey.of(config, recipe);
    }

    /**
     * Saves the running guest as {@code name} under {@code key}: stops it outside the firmware, writes its state, copies
     * the overlay (each hashed as it is written, for the manifest), and lets it go on; with it, the console lines from index {@code stepsFrom} on (what
     * the steps printed, taken while the guest is stopped). The guest should be idle at its prompt,
     * or paused where its recipe means it to be.
     */
    SnapshotCache.Entry save(String name, SnapshotKey key, int stepsFrom) {
        SnapshotCache cache = config.snapshots();
        Path work = cache.workDir(name);
        QemuProcess p = lifecycle.liveProcess("save snapshot " + name);
        QmpClient qmp = lifecycle.qmp();
        GuestPause.stopOutsideFirmware(qmp, awaits::vcpuSnapshot);
        List<String> steps;
        try {
            // the stream is hashed as it is written (by another process, beside QEMU), not read again
            Path state = work.resolve("state");
            qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", SAVE_BANDWIDTH));
            qmp.execute("migrate", Map.of("uri", "exec:" + CacheFiles.writeHashing(state)));
            awaitQuietly("QEMU writes the snapshot", p, () -> migrated(qmp));
            awaitQuietly("the snapshot's SHA-256", p, () -> CacheFiles.hashed(state));
            CacheFiles.rememberHashed(state);
            Path disk = work.resolve("disk.qcow2");
            CacheFiles.remember(disk, CacheFiles.copyHashing(lifecycle.overlay(), disk));
            steps = textsFrom(stepsFrom);
            stepLines.put(name, steps);
        } catch (IOException e) {
            CacheFiles.deleteTree(work);
            throw new UncheckedIOException("cannot write snapshot " + name + " into " + work, e);
        } catch (RuntimeException e) {
            CacheFiles.deleteTree(work);
            throw e;
        } finally {
            if (p.alive()) qmp.execute("cont");
        }
        return cache.store(name, key, work, lifecycle.pluggedMedia(), steps, lifecycle.base());
    }

    /**
     * Starts a new QEMU from {@code entry} (no QEMU may be running): a fresh overlay over its disk,
     * its media in the hot-plug port, its state loaded, the harts' timers woken ({@link HartTimers}),
     * the guest continued. The console gets the
     * restore line, which opens a new boot, just before the guest runs: a restore that fails before
     * that (QEMU exits, the state does not load, the timers do not wake) leaves no boot behind, so the
     * cold boot that follows is numbered as if no restore had been tried and a contract's {@code boot N}
     * means the same on both paths. gdb's detach may let the guest run a moment before the line; a
     * state is saved with the guest idle at its prompt ({@link SnapshotRecipe}), where it prints
     * nothing by itself. Returns when each stage ended, in ms after {@code t0}.
     *
     * @throws HarnessException {@code SNAPSHOT_FAILED} when QEMU exits or does not finish loading
     */
    String restore(SnapshotCache.Entry entry, long t0) {
        lifecycle.replace("a restore");
        lifecycle.freshOverlay(entry.disk());
        lifecycle.mediaForNextLaunch(entry.media());
        lifecycle.launch(List.of("-incoming", "exec:cat " + shellQuoted(entry.state())));
        QemuProcess p = lifecycle.process();
        QmpClient qmp = lifecycle.qmp();
        long qmpUp = clock.nanoTime();
        awaitQuietly("QEMU loads snapshot " + entry.name(), p, () -> loaded(qmp));
        long loaded = clock.nanoTime();
        HartTimers.wake(qmp, lifecycle.socketDir(), config.smp(), config.scale());
        long woken = clock.nanoTime();
        lines.note(BootBoundary.restoreLine(entry.name(), entry.key()));
        qmp.execute("cont");
        return "QMP up at " + (qmpUp - t0) / 1_000_000 + " ms, loaded at " + (loaded - t0) / 1_000_000
                + ", timers woken at " + (woken - t0) / 1_000_000 + ", running at " + (clock.nanoTime() - t0) / 1_000_000;
    }

    /** True once an outgoing migration completed; fails when it failed. */
    private static boolean migrated(QmpClient qmp) {
        Object status = qmp.execute("query-migrate") instanceof Map<?, ?> m ? m.get("status") : null;
        if ("failed".equals(status) || "cancelled".equals(status)) {
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, "QEMU's migration to the snapshot file " + status);
        }
        return "completed".equals(status);
    }

    /** True once QEMU has loaded the incoming state (the guest was saved stopped, so it waits paused). */
    private static boolean loaded(QmpClient qmp) {
        Object status = qmp.execute("query-status") instanceof Map<?, ?> m ? m.get("status") : null;
        return "paused".equals(status) || "running".equals(status);
    }

    private void awaitQuietly(String what, QemuProcess p, Callable<Boolean> done) {
        try {
            Awaitility.await(what).pollInSameThread().atMost(config.scale().scale(MIGRATE)).pollInterval(POLL)
                    .pollDelay(Duration.ZERO).failFast("QEMU exited", () -> !p.alive()).until(done);
        } catch (ConditionTimeoutException e) {
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, what + ": not done within " + config.scale().scale(MIGRATE), e);
        } catch (TerminalFailureException e) {
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, what + ": QEMU exited with code "
                    + p.exitCode().orElse(-1), e);
        }
    }

    /** {@code p} in single quotes for the shell QEMU runs an {@code exec:} migration with. */
    static String shellQuoted(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }
}
