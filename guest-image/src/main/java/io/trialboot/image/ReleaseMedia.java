package io.trialboot.image;

import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.verified.VerifiedFeed;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The good releases on the update media, under {@code <media>/updates/} (paths in manifests and
 * the feed are relative to {@code updates/}, as {@code pkg://updates/<path>} is in the guest):
 * <pre>
 * releases/1.1.0/manifest.nxm (+ .sig)  slot.img                 full
 * releases/1.2.0/manifest.nxm (+ .sig)  from-1.1.0.nxdelta       delta from v1.1.0's image
 * releases/1.3.0/manifest.nxm (+ .sig)  slot.img                 full
 * feeds/stable.nxf (+ .sig)             lists the three manifests
 * </pre>
 * Every manifest and the feed are signed by {@code test-release-1}. The releases' paths are public:
 * their one home, which the ITs and benchmarks name them by ({@code GuestPaths.guest().updates()}
 * resolves them in the guest, {@code MediaInputs.pkg} makes them {@code nx}'s input).
 */
public final class ReleaseMedia {
    static final String CHANNEL = "stable";
    /** A release's manifest file, in its directory; its signature beside it ({@code SignatureFile}). */
    static final String MANIFEST = "manifest.nxm";

    /** The inputs: each fixture's slot image and system set (the factory's is the base of nothing here). */
    record Inputs(Map<Fixture, Path> images, Map<Fixture, Path> systemSets, FixtureKeys keys, Sha256 policy) {
        Inputs {
            images = Map.copyOf(images);
            systemSets = Map.copyOf(systemSets);
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(policy, "policy");
        }

        Path image(Fixture f) {
            return Objects.requireNonNull(images.get(f), () -> "no slot image for " + f.version());
        }

        Path systemSet(Fixture f) {
            return Objects.requireNonNull(systemSets.get(f), () -> "no system set for " + f.version());
        }
    }

    private ReleaseMedia() {}

    /** Release {@code v}'s signed manifest, relative to the media's {@code updates/}. */
    public static String manifestPath(Version v) {
        return "releases/" + v + "/" + MANIFEST;
    }

    /** Release {@code v}'s full slot image, relative to the media's {@code updates/}. */
    public static String fullPath(Version v) {
        return "releases/" + v + "/slot.img";
    }

    /** Release {@code target}'s delta from {@code base}'s image, relative to the media's {@code updates/}. */
    public static String deltaPath(Version target, Version base) {
        return "releases/" + target + "/from-" + base + ".nxdelta";
    }

    /**
     * Writes the releases, the feed and the admissions ({@link AdmissionMedia}) under {@code updates};
     * the delta is made with the engine's {@link DeltaMaker}.
     */
    static void write(Path updates, Inputs in, Consumer<String> log) {
        full(updates, in, Fixture.HEALTHY, Fixture.FACTORY.version());
        Path delta = updates.resolve(deltaPath(Fixture.NEVER_READY.version(), Fixture.HEALTHY.version()));
        long started = System.nanoTime();
        makeDelta(in.image(Fixture.HEALTHY), in.image(Fixture.NEVER_READY), delta);
        log.accept(String.format("delta %s -> %s: %d bytes in %.1f s", Fixture.HEALTHY.version(),
                Fixture.NEVER_READY.version(), size(delta), (System.nanoTime() - started) / 1e9));
        release(in, Fixture.NEVER_READY, Fixture.HEALTHY.version(), Optional.empty(),
                List.of(new Packaging.DeltaInput(delta, deltaPath(Fixture.NEVER_READY.version(),
                        Fixture.HEALTHY.version()), in.image(Fixture.HEALTHY))))
                .writeTo(updates.resolve(manifestPath(Fixture.NEVER_READY.version())));
        full(updates, in, Fixture.CRASHING, Fixture.FACTORY.version());
        Packaging.feed(CHANNEL, updates, List.of(Fixture.HEALTHY, Fixture.NEVER_READY, Fixture.CRASHING).stream()
                .map(f -> updates.resolve(manifestPath(f.version()))).toList(), List.of(in.keys().release()))
                .writeTo(updates.resolve(VerifiedFeed.STABLE));
        AdmissionMedia.write(updates, in);
    }

    /** A full release: the image linked onto the media, its manifest signed. */
    private static void full(Path updates, Inputs in, Fixture f, Version minVersion) {
        link(in.image(f), updates.resolve(fullPath(f.version())));
        release(in, f, minVersion, Optional.of(fullPath(f.version())), List.of())
                .writeTo(updates.resolve(manifestPath(f.version())));
    }

    /** The release manifest of fixture {@code f}, signed by {@code test-release-1}. */
    static Signed release(Inputs in, Fixture f, Version minVersion, Optional<String> fullPath,
            List<Packaging.DeltaInput> deltas) {
        return Packaging.release(new Packaging.ReleaseInput(f.version(), minVersion, FactoryState.COMPATIBLE,
                Packaging.systemIndexDigest(in.systemSet(f)), in.policy(), in.image(f), fullPath, deltas),
                List.of(in.keys().release()));
    }

    static void makeDelta(Path base, Path target, Path out) {
        try {
            Files.createDirectories(out.getParent());
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                new DeltaMaker().make(base, target, o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hard-links {@code from} to {@code to} (the media tree is only read by mke2fs), copying across file systems. */
    static void link(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            try {
                Files.createLink(to, from);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(from, to);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
