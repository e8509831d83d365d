package io.trialboot.guest;

import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.RootMirror;
import io.trialboot.trust.Trust;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The boot's checks that need only the anchor's and the slot's files, begun before the state tree
 * opens so that they overlap it and bootctld's durable writes (docs/benchmarks.md, "Boot"): the
 * factory trust (the admission record's root signature) and then the root mirror check, and
 * bundlemgrd reading the system set, which it verifies once the trust in force is known. Each runs
 * on {@code threads} (the guest: a thread each; host tests: inline, in this order). Nothing here
 * prints: {@link Guest} prints the markers from its own thread, in the contract's order, each after
 * the state it reports is durable.
 */
final class Startup {
    private final Executor threads;
    private final Pending<Trust> factoryTrust = new Pending<>();
    private final Pending<List<RootMirror.Refusal>> refusedMirrorRoots = new Pending<>();
    private final Bundlemgrd bundlemgrd;

    private Startup(GuestPaths paths, Executor threads) {
        this.threads = threads;
        threads.execute(() -> {
            factoryTrust.produce(() -> Trust.load(paths.anchor(), paths.state(), HostStateTree.SYSTEM_DOMAIN));
            refusedMirrorRoots.produce(() -> Trust.refusedMirrorRoots(paths.anchor(), paths.state()));
        });
        bundlemgrd = new Bundlemgrd(paths, threads);
    }

    /** Begins the checks on {@code threads}. */
    static Startup begin(GuestPaths paths, Executor threads) {
        return new Startup(paths, threads);
    }

    /** Runs the bundles' starts (a start may block). */
    Executor threads() {
        return threads;
    }

    /** The mirror's refused roots (waits for the check). */
    List<RootMirror.Refusal> refusedMirrorRoots() {
        return refusedMirrorRoots.await();
    }

    /** The trust from the anchored roots and the factory's admission record (waits for it). */
    Trust factoryTrust() {
        return factoryTrust.await();
    }

    /** The trust the boot runs on is known: bundlemgrd verifies the system set against it. */
    void trustInForce(Trust trust) {
        bundlemgrd.verifyWith(trust);
    }

    /** No trust: bundlemgrd verifies nothing and fails with this. */
    void noTrust(TrialbootException why) {
        bundlemgrd.noTrust(why);
    }

    Bundlemgrd bundlemgrd() {
        return bundlemgrd;
    }
}
