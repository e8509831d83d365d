package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.Bundle;
import io.trialboot.format.BundleManifest;
import io.trialboot.format.SystemIndex;
import io.trialboot.format.SystemSet;
import io.trialboot.markers.Marker;
import io.trialboot.trust.Trust;
import io.trialboot.update.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * bundlemgrd: verifies the booted slot's signed system set (index signature by an admitted key, not
 * checked again when stage 0 verified and mapped the slot under the same admission record in this
 * boot; every bundle's digest and size, each payload against its bundle manifest) while extracting it to
 * {@code /run/trialboot/bundles/}; only then publishes the slot ({@code /run/trialboot/active-slot})
 * and reports it active. Reading and extracting start at once on a start-up thread ({@link Startup});
 * the verification follows there as soon as the trust in force is known, beside bootctld's start;
 * {@link #publish} waits for it. {@link #startServices} then starts each bundle's service in this
 * JVM and tracks its readiness for healthd.
 */
final class Bundlemgrd {
    private final GuestPaths paths;
    private final Executor threads;
    /** The system set read, its bundles measured and extracted: nothing authenticated yet. */
    private final Pending<SystemSet.Unverified> read;
    /** The verified bundles, or why the system set does not verify; the files in /run count only then. */
    private final Pending<List<BundleManifest>> verified = new Pending<>();
    private volatile Version version;
    /** The slot's release file, read once: the receipts' build id asks first (GuestMain), {@link #publish} after. */
    private SlotRelease.Read release;
    private volatile List<BundleRunner> runners = List.of();
    private volatile boolean published;

    /** Begins reading the slot's system set on {@code threads}; {@link #verifyWith} or {@link #noTrust} must follow. */
    Bundlemgrd(GuestPaths paths, Executor threads) {
        this.paths = paths;
        this.threads = threads;
        this.read = Pending.run(threads, new Supplier<>() {
            @Override
            public SystemSet.Unverified get() {
                return readAndExtract(); // a class, not a method reference: see GuestMain's Workers
            }
        });
    }

    /**
     * Verifies what was read against the trust in force, on {@code threads}; {@code booted} is the
     * slot stage 0 booted, which the system set is read from (stage 0's verdict may cover it:
     * {@link SystemSet.Unverified#verifyFromBootedSlot}).
     */
    void verifyWith(Trust trust, Optional<Slot> booted) {
        threads.execute(() -> verified.produce(() -> verify(read.await(), trust, booted)));
    }

    /** There is no trust: nothing verifies. */
    void noTrust(TrialbootException why) {
        verified.fail(why);
    }

    /**
     * Waits for the verification and publishes. A system set that does not verify prints
     * {@link Marker#BUNDLEMGRD_REJECTED} and throws: the slot is not published.
     */
    void publish(Slot booted, PrintStream console) {
        try {
            version = release().version();
        } catch (TrialbootException e) {
            discard();
            throw e;
        }
        List<BundleManifest> manifests;
        try {
            manifests = verified.await();
        } catch (TrialbootException e) {
            deleteTree(paths.bundles());
            console.println(Marker.BUNDLEMGRD_REJECTED_WHY.line(e.code().name(), Marker.oneLine(e.detail())));
            console.println(Marker.BUNDLEMGRD_REJECTED.line(e.code().name()));
            throw e;
        }
        List<BundleRunner> rs = new ArrayList<>();
        for (BundleManifest m : manifests) {
            rs.add(new BundleRunner(m, paths.bundles().resolve(m.name()).resolve(Bundle.PAYLOAD_ENTRY)));
        }
        runners = List.copyOf(rs);
        DurableFiles.write(paths.publishedSlot(),
                ("slot=" + booted.letter() + "\nversion=" + version + "\n").getBytes(StandardCharsets.US_ASCII));
        published = true;
        console.println(Marker.BUNDLEMGRD_SLOT_ACTIVE.line(booted.letter()));
    }

    /** The slot will not be published (no trust, no release file): waits for the reading, removes its files. */
    void discard() {
        read.settle();
        verified.settle();
        deleteTree(paths.bundles());
    }

    private SystemSet.Unverified readAndExtract() {
        Path dir = paths.bundles();
        deleteTree(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot create " + dir + ": " + IoFailure.reason(e), e);
        }
        return SystemSet.read(paths.systemSet(), Optional.of(dir));
    }

    private List<BundleManifest> verify(SystemSet.Unverified read, Trust trust, Optional<Slot> booted) {
        Path dir = paths.bundles();
        SystemSet.Verified set = booted.isPresent() ? read.verifyFromBootedSlot(trust, booted.get()) : read.verify(trust);
        List<BundleManifest> manifests = new ArrayList<>();
        for (SystemIndex.BundleRef ref : set.bundles()) {
            Path payloadDir = dir.resolve(ref.name());
            try (InputStream in = Files.newInputStream(dir.resolve(ref.fileName()))) {
                Files.createDirectories(payloadDir);
                try (OutputStream payload = Files.newOutputStream(payloadDir.resolve(Bundle.PAYLOAD_ENTRY))) {
                    BundleManifest m = Bundle.read(in, payload);
                    if (!m.name().equals(ref.name()) || !m.version().equals(ref.version())) {
                        throw new TrialbootException(Code.SCHEMA_VIOLATION, "bundle " + ref.fileName() + " is "
                                + m.name() + " " + m.version() + ", the signed index says " + ref.name() + " " + ref.version());
                    }
                    manifests.add(m);
                }
            } catch (IOException e) {
                throw new TrialbootException(Code.HOST_IO_ERROR, "cannot extract " + ref.fileName() + ": " + IoFailure.reason(e), e);
            }
        }
        return manifests;
    }

    /** Starts every published bundle's service (in the guest each on its own thread: a start may block). */
    void startServices(PrintStream console, Executor threads) {
        for (BundleRunner r : runners) {
            r.start(getClass().getClassLoader(), console, threads);
        }
    }

    /** healthd's probes: the slot published, then each bundle's readiness. */
    List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        probes.add(Probes.of("bundlemgrd", () -> published ? Probe.Readiness.READY : Probe.Readiness.NOT_YET));
        for (BundleRunner r : runners) {
            probes.add(Probes.of("bundle " + r.name(), r::readiness));
        }
        return probes;
    }

    List<BundleRunner> bundles() {
        return runners;
    }

    Version version() {
        return version;
    }

    /** The receipts' and host status' build id, from the slot's release file ({@link SlotRelease.Read#buildId}). */
    String buildId() {
        return release().buildId();
    }

    private synchronized SlotRelease.Read release() {
        if (release == null) {
            release = SlotRelease.read(paths.release());
        }
        return release;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot clear " + dir + ": " + IoFailure.reason(e), e);
        }
    }
}
