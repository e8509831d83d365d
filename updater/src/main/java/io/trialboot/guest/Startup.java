package io.trialboot.guest;

import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.trust.RootMirror;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.trust.Trust;
import io.trialboot.trust.TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The boot's checks that need only the anchor's and the slot's files, begun before the state tree
 * opens so that they overlap it and bootctld's durable writes (docs/benchmarks.md, "Boot"): the
 * trust in force (the admission record {@code nx admit} applied last, or the factory's when none
 * was: taken on stage 0's verdict when that vouches for its bytes, else its root signature checked
 * here; a superseded factory record is not read) and then the root mirror check, and bundlemgrd
 * reading the system set, which it verifies once the trust in force is known. Each runs
 * on {@code threads} (the guest: a thread each; host tests: inline, in this order). Nothing here
 * prints: {@link Guest} prints the markers from its own thread, in the contract's order, each after
 * the state it reports is durable.
 */
final class Startup {
    private final Executor threads;
    /** Stage 0's verdict, read on the trust's thread; set before {@link #trustInForce} completes. */
    private final Pending<Optional<Stage0Verdict>> verdict = new Pending<>();
    /** The roots stage 0 handed over, read on the trust's thread before the trust and the mirror check. */
    private final Pending<TrustStore> anchored = new Pending<>();
    private final Pending<Trust> trustInForce = new Pending<>();
    private final Pending<List<RootMirror.Refusal>> refusedMirrorRoots = new Pending<>();
    private final Bundlemgrd bundlemgrd;

    private Startup(GuestPaths paths, Executor threads) {
        this.threads = threads;
        // A class, not a lambda, so this thread starts before the boot's first lambda is linked (GuestMain's Workers).
        threads.execute(new Runnable() {
            @Override
            public void run() {
                checkTrust(paths);
            }
        });
        bundlemgrd = new Bundlemgrd(paths, threads);
    }

    /** The trust's thread (its lambdas are Startup's, which the class archive holds; an inner class's it did not). */
    private void checkTrust(GuestPaths paths) {
        verdict.produce(() -> Stage0Verdict.read(paths.verdict()));
        // The anchored roots, read once for both: an anchor that does not read fails each with its code.
        anchored.produce(() -> TrustStore.load(paths.anchor()));
        trustInForce.produce(() -> Trust.load(anchored.await(), paths.state(), HostStateTree.SYSTEM_DOMAIN,
                recordInForce(paths), verdict()));
        refusedMirrorRoots.produce(() -> Trust.refusedMirrorRoots(anchored.await(), paths.state()));
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

    /**
     * The trust the device runs on (waits for it): the anchored roots and the admission record in
     * force, which makes the domain's state (AdmissionService applies a new one at run time).
     */
    Trust trustInForce() {
        return trustInForce.await();
    }

    /**
     * The admission record in force, as its file under the system domain's admission directory: the
     * one applied last ({@code <sequence>/dam.cbor}), or the factory's when none was applied, by the
     * rule stage 0 verifies by (docs/verified-boot.md#stage-0s-verdict).
     */
    static String recordInForce(GuestPaths paths) {
        Path dir = paths.state().resolve(Trust.admissionDir(HostStateTree.SYSTEM_DOMAIN));
        // No directory: no record at all, which the factory record's read reports with its own code.
        Optional<Path> latest = Files.isDirectory(dir) ? AdmissionLedger.latest(dir) : Optional.empty();
        return latest.isPresent() ? latest.get().getFileName() + "/" + Trust.ADMISSION_FILE : Trust.ADMISSION_FILE;
    }

    /**
     * Stage 0's verdict (waits for it); empty when it handed none over or it does not read as one
     * ({@link #verdictUnread}): then every check of the boot is this JVM's own, as without stage 0.
     */
    Optional<Stage0Verdict> verdict() {
        try {
            return verdict.await();
        } catch (TrialbootException e) {
            return Optional.empty();
        }
    }

    /** Why stage 0's verdict could not be read, when it could not (waits for it). */
    Optional<TrialbootException> verdictUnread() {
        try {
            verdict.await();
            return Optional.empty();
        } catch (TrialbootException e) {
            return Optional.of(e);
        }
    }

    /**
     * The console's line on what stage 0's verdict did for the trust in force (waits for the verdict);
     * none when stage 0 handed none over (a boot chain that writes none, the host's tests).
     */
    Optional<String> handoff(Trust inForce) {
        Optional<TrialbootException> unread = verdictUnread();
        if (unread.isPresent()) {
            return Optional.of(Marker.TRUST_VERDICT_UNUSED.line(unread.get().code().name(),
                    Marker.oneLine(unread.get().detail())));
        }
        if (verdict().isEmpty()) {
            return Optional.empty();
        }
        Stage0Verdict v = verdict().get();
        Marker line = inForce.vouchedBy().isPresent() ? Marker.TRUST_VERDICT_TAKEN : Marker.TRUST_VERDICT_NOT_IN_FORCE;
        return Optional.of(line.line(v.admission(), v.admissionSha256().shortHex(), v.admittedBy(), v.slot().letter(),
                v.verityRoot().shortHex()));
    }

    /**
     * The trust the boot runs on is recorded, and the slot stage 0 booted is known (the
     * boot-control file's {@code booted}): bundlemgrd verifies the system set against it.
     */
    void verifySystemSet(Trust trust, Optional<Slot> booted) {
        bundlemgrd.verifyWith(trust, booted);
    }

    /** No trust: bundlemgrd verifies nothing and fails with this. */
    void noTrust(TrialbootException why) {
        bundlemgrd.noTrust(why);
    }

    Bundlemgrd bundlemgrd() {
        return bundlemgrd;
    }
}
