package io.trialboot.image;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Feed;
import io.trialboot.format.SystemSet;
import io.trialboot.guest.Releases;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.trust.Trust;
import io.trialboot.update.InstallPlan;
import io.trialboot.update.UpdateEngine;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verified.VerifiedRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Proves the fixtures on the host at every build, with the device's own code: the factory trust
 * ({@link Trust#load}), the feed ({@link VerifiedFeed}), each release and artifact
 * ({@link VerifiedRelease}), each system set ({@link SystemSet#verify}), and the engine's admission
 * ({@link UpdateEngine#admit}) on a copy of the factory state tree. Good releases must be allowed;
 * each guest case of the {@link HostileCorpus} must be refused with exactly its expected code. Anything else fails the
 * build, so the fixtures cannot silently rot.
 */
final class FixtureCheck {
    /** The slot partition's size, which the engine's admit checks an image against. */
    private final long slotBytes;
    private final Path stateRoot;
    private final Path updates;
    private final Path scratch;
    private final Trust trust;
    private final Path factoryImage;
    private final Sha256 factoryDigest;
    private int copies;

    FixtureCheck(Path stateRoot, Path updates, Path factoryImage, long slotBytes, Path scratch) {
        this.stateRoot = stateRoot;
        this.updates = updates;
        this.factoryImage = factoryImage;
        this.slotBytes = slotBytes;
        this.scratch = scratch;
        this.trust = Trust.load(stateRoot, HostStateTree.SYSTEM_DOMAIN);
        this.factoryDigest = FileDigests.sha256(factoryImage);
    }

    /** Runs every check; returns one line per release and hostile case for the build log. */
    List<String> run(ReleaseMedia.Inputs in) {
        List<String> report = new ArrayList<>();
        VerifiedFeed feed = VerifiedFeed.load(updates.resolve(VerifiedFeed.STABLE), trust);
        List<Version> listed = feed.feed().entries().stream().map(Feed.Entry::version).toList();
        List<Version> want = List.of(Fixture.HEALTHY.version(), Fixture.NEVER_READY.version(), Fixture.CRASHING.version());
        if (!listed.equals(want)) {
            throw new ImageBuildException("the feed lists " + listed + ", not " + want);
        }
        Sha256 healthyImage = FileDigests.sha256(in.image(Fixture.HEALTHY));
        for (Feed.Entry e : feed.feed().entries()) {
            VerifiedRelease r = feed.release(e, updates, trust);
            Fixture f = Fixture.ALL.stream().filter(x -> x.version().equals(e.version())).findFirst().orElseThrow();
            SystemSet.Verified set = SystemSet.verify(in.systemSet(f), trust);
            if (!set.indexSha256().equals(r.manifest().systemIndex())) {
                throw new ImageBuildException(e.path() + " names system index " + r.manifest().systemIndex()
                        + " but v" + f.version() + "'s system set has " + set.indexSha256());
            }
            for (Artifact a : r.manifest().artifacts()) {
                try (InputStream bytes = Files.newInputStream(updates.resolve(a.path()))) {
                    r.checkArtifact(a, bytes);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            if (r.full().isPresent()) {
                Code decision = admit(r, e.path());
                if (decision != Code.HOST_OK) {
                    throw new ImageBuildException("release " + e.path() + " is refused (" + decision
                            + ") by a factory device");
                }
            } else {
                // BASE_MISMATCH unless it installs over v1.1.0; then it must produce v1.2.0's image.
                applyDelta(r, r.deltaFrom(healthyImage), in.image(Fixture.HEALTHY));
            }
            report.add("v" + f.version() + " ALLOW: " + r.manifest().artifacts().stream()
                    .map(a -> a.kind().text() + " " + a.path() + " (" + a.size() + " bytes)").toList()
                    + (r.full().isPresent() ? "" : " over " + healthyImage.shortHex()));
        }
        for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
            Code got = hostile(h);
            if (got != h.expected()) {
                throw new ImageBuildException("hostile input " + h.inputPath() + " is answered with " + got
                        + ", not the expected " + h.expected() + " (" + h.what() + ")");
            }
            report.add(h.id() + " DENY " + got);
        }
        return report;
    }

    /**
     * How a factory device answers a hostile install: verify, bind, admit and, when admitted,
     * apply the artifact to the empty slot (the corpus' apply-phase cases fail there).
     */
    Code hostile(HostileCorpus.Case h) {
        try {
            Path manifest = updates.resolve(h.inputPath());
            VerifiedRelease r = VerifiedRelease.load(manifest, trust);
            Releases.Chosen chosen = Releases.choose(r, Optional.of(factoryDigest));
            UpdateEngine engine = bootedEngine();
            UpdateReceipt receipt = engine.admit(chosen.release(), h.id(), new byte[0]);
            if (receipt.decision() == UpdateReceipt.Decision.DENY) {
                return receipt.reasonCodes().get(0);
            }
            try (InputStream in = Files.newInputStream(updates.resolve(chosen.artifact().path()))) {
                // as the device does: the signed manifest kept for stage 0 (a plan with a tree needs one)
                engine.apply(receipt, chosen.release().keeping(Files.readAllBytes(manifest),
                        Files.readAllBytes(manifest.resolveSibling(manifest.getFileName() + ".sig"))), in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Code.HOST_OK;
        } catch (TrialbootException e) {
            return e.code();
        }
    }

    /**
     * A factory device's decision on a verified release: the artifact it would install (the delta
     * from the factory image, else the full image — {@code BASE_MISMATCH} if neither), then the
     * engine's admit on a fresh copy of the factory state.
     * Returns {@code HOST_OK} when allowed, else the first reason code.
     */
    Code admit(VerifiedRelease r, String name) {
        InstallPlan release = Releases.choose(r, Optional.of(factoryDigest)).release();
        UpdateReceipt receipt = bootedEngine().admit(release, name.replace('/', '_'), new byte[0]);
        return receipt.decision() == UpdateReceipt.Decision.ALLOW ? Code.HOST_OK : receipt.reasonCodes().get(0);
    }

    /** Applies the delta with the engine's applier over {@code base} into a scratch file: it must give the release's image. */
    private void applyDelta(VerifiedRelease r, Artifact delta, Path base) {
        Path target = scratch.resolve("delta-target-" + r.manifest().version() + ".img");
        try {
            Files.createDirectories(scratch);
            try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
                f.setLength(r.manifest().image().size());
            }
            try (InputStream d = Files.newInputStream(updates.resolve(delta.path()));
                    FileBlockDevice source = FileBlockDevice.openWhole(base, false);
                    FileBlockDevice out = FileBlockDevice.openWhole(target, true)) {
                DeltaApplier.apply(d, new SlotImage(delta.sha256(), delta.size()), source, out,
                        delta.base().orElseThrow(), r.manifest().image(), r.manifest().verity());
            }
            Files.delete(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #engine()} booted once and with an OK host status, as the guest is when its console is ready. */
    private UpdateEngine bootedEngine() {
        UpdateEngine engine = engine();
        engine.onBoot();
        engine.selfcheck(false);
        return engine;
    }

    /** An engine over a fresh copy of the factory state: slot a holds the factory image, slot b is empty. */
    private UpdateEngine engine() {
        try {
            Path dir = Files.createDirectories(scratch.resolve("device-" + (++copies)));
            Path state = dir.resolve("state");
            copyTree(stateRoot, state);
            Path slotB = dir.resolve("slot-b.img");
            try (RandomAccessFile f = new RandomAccessFile(slotB.toFile(), "rw")) {
                f.setLength(slotBytes);
            }
            return new UpdateEngine(HostStateTree.open(state), SlotDevices.of(Map.of(Slot.A, factoryImage, Slot.B, slotB)),
                    Clock.systemUTC(), "image-build-check");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }
}
