package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.trust.RootMirror;
import io.trialboot.trust.Trust;
import io.trialboot.update.HealthGate;
import io.trialboot.update.Probe;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * One boot of the guest services, in SPEC §2.4's order: bootctld (records the boot), bundlemgrd
 * (verifies and publishes the slot), updated (RPC), the bundles' services, healthd (decides a trial
 * boot), the selftest when the kernel command line asks for it. Their markers come in that order,
 * from this thread, but the work behind them overlaps: the trust load and bundlemgrd's reading and
 * verification of the system set run on {@link Startup}'s threads while the state tree opens and
 * bootctld records the boot. {@link #start} returns the exit status the slot init acts on when the
 * slot cannot run; the console comes after.
 */
final class Guest implements AutoCloseable {
    private final GuestPaths paths;
    private final HostStateTree tree;
    private final UpdateEngine engine;
    private final Power power;
    private final PrintStream console;
    private final KernelCmdline cmdline;
    /** Builds healthd's gate from its probes and bound (tests inject a fake clock). */
    private final Function<Duration, Function<List<Probe>, HealthGate>> gates;
    /** The checks begun before the state tree opened; its threads also run each bundle's start. */
    private final Startup startup;
    private Updated updated;
    private Bootctld bootctld;
    /** updated's socket, bound on a start-up thread while the boot is recorded ({@link Updated#listen}). */
    private Pending<ServerSocketChannel> listening;

    Guest(GuestPaths paths, HostStateTree tree, UpdateEngine engine, Power power, PrintStream console,
            KernelCmdline cmdline, Function<Duration, Function<List<Probe>, HealthGate>> gates, Startup startup) {
        this.paths = paths;
        this.tree = tree;
        this.engine = engine;
        this.power = power;
        this.console = console;
        this.cmdline = cmdline;
        this.gates = gates;
        this.startup = startup;
    }

    /** Starts everything; 0 when the services run (the console may start), else the exit status. */
    int start() throws InterruptedException {
        listening = Pending.run(startup.threads(), () -> Updated.listen(paths.socket()));
        // The admission record first: it makes the domain FULL, so this boot is already in the history.
        Trust loaded = null;
        TrialbootException trustFailure = null;
        try {
            for (RootMirror.Refusal r : startup.refusedMirrorRoots()) {
                console.println(Marker.TRUST_ROOT_REFUSED.line(r.file(), r.code().name()));
                console.println(Marker.TRUST_ROOT_REFUSED_WHY.line(r.file(), Marker.oneLine(r.why())));
            }
            loaded = startup.trustInForce();
            Optional<String> handoff = startup.handoff(loaded);
            if (handoff.isPresent()) {
                console.println(handoff.get());
            }
            Admission.record(tree, loaded);
            startup.verifySystemSet(loaded, bootedSlot());
        } catch (TrialbootException e) {
            trustFailure = e;
            startup.noTrust(e);
        }
        bootctld = new Bootctld(engine);
        bootctld.start(console);
        Bundlemgrd bundlemgrd = startup.bundlemgrd();
        Trust trust = loaded;
        try {
            if (trustFailure != null) {
                bundlemgrd.discard();
                console.println(Marker.GUEST_NO_TRUST.line(Marker.oneLine(trustFailure.getMessage())));
                throw trustFailure;
            }
            bundlemgrd.publish(bootctld.bootedSlot(), console);
        } catch (TrialbootException e) {
            if (bootctld.onTrial()) {
                console.println(Marker.GUEST_TRIAL_CANNOT_START.line(bootctld.bootedSlot().letter(), e.code().name()));
                return GuestMain.EXIT_RETRY;
            }
            if (trustFailure == null && e.code() == Code.HOST_IO_ERROR) {
                // The slot's own files could not be read (dm-verity refuses a corrupt block with EIO):
                // the other slot may be whole, and stage 0's failed-starts count bounds the reboots.
                console.println(Marker.GUEST_ACTIVE_UNREADABLE.line(bootctld.bootedSlot().letter(), e.code().name(),
                        Marker.oneLine(e.getMessage())));
                return GuestMain.EXIT_RETRY;
            }
            console.println(Marker.GUEST_HARD_FAILURE.line(bootctld.bootedSlot().letter(), e.code().name(),
                    Marker.oneLine(e.getMessage())));
            return GuestMain.EXIT_HARD_FAILURE;
        }
        AtomicReference<Trust> current = new AtomicReference<>(trust);
        MediaInputs media = new MediaInputs(paths.media());
        UpdateService updates = new UpdateService(engine, tree, media, current::get, console);
        AdmissionService admissions = new AdmissionService(tree, engine, media, current, console);
        updated = new Updated(paths, bootctld, bundlemgrd, updates, admissions, power, console);
        // Up: the JVM, the trust, the state tree and the verified system set have all been read.
        bootctld.cameUp(console);
        updated.start(listening.await());
        bundlemgrd.startServices(console, startup.threads());

        boolean trial = bootctld.onTrial();
        Duration bound = cmdline.healthTimeout().orElse(Duration.ofMillis(tree.policy().healthTimeoutMs()));
        List<Probe> probes = new ArrayList<>();
        probes.add(Probes.of("bootctld", () -> Probe.Readiness.READY));
        NxClient nx = new NxClient(paths.socket());
        probes.add(Probes.of("updated", () -> updatedAnswers(nx) ? Probe.Readiness.READY : Probe.Readiness.NOT_YET));
        probes.addAll(bundlemgrd.probes());
        var outcome = new Healthd(engine, power, console).check(gates.apply(bound).apply(probes),
                bootctld.bootedSlot(), trial);
        if (outcome.isPresent() && outcome.get() == UpdateEngine.Outcome.ROLLED_BACK) {
            return 0; // rebooting into the previous slot
        }
        if (cmdline.selftest().isPresent()) {
            new Selftest(updates, power, console).run(bundlemgrd.version());
        }
        return 0;
    }

    /**
     * The slot stage 0 booted, as its boot-control file says, for stage 0's verdict to cover; empty
     * when the file does not read (bootctld reports why next, and the system set gets the full check).
     */
    private Optional<Slot> bootedSlot() {
        try {
            return engine.bootControl().read().booted();
        } catch (TrialbootException e) {
            return Optional.empty();
        }
    }

    /** healthd's probe of updated: a real RPC round trip on its socket. */
    private static boolean updatedAnswers(NxClient nx) {
        try {
            return nx.call(RpcOperation.GET_STATUS.request(List.of())).code() == Code.HOST_OK;
        } catch (TrialbootException e) {
            return false; // not reachable (yet): the gate keeps polling until its bound
        }
    }

    @Override
    public void close() throws Exception {
        if (updated != null) {
            updated.close();
        }
        if (listening == null) {
            return;
        }
        ServerSocketChannel bound;
        try {
            bound = listening.await();
        } catch (TrialbootException e) {
            return; // it never bound
        }
        if (bound.isOpen()) {
            Updated.unlisten(bound, paths.socket()); // the boot stopped before updated started
        }
    }
}
