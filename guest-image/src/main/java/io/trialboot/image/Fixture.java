package io.trialboot.image;

import io.trialboot.core.Version;
import io.trialboot.format.Bundle;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One release of the fixtures: its version and how its {@code hello} bundle behaves (the
 * {@link DemoBundle#SERVICE_CLASS} argument). Every slot image is the same root and jars; the
 * releases differ in {@code /etc/trialboot-release} and in their signed system set.
 */
record Fixture(Version version, String helloArgument) {
    static final String PUBLISHER = "trialboot dev";
    static final String BUNDLE = "hello";
    static final List<String> ABILITIES = List.of("console");

    static final Fixture FACTORY = new Fixture(Version.parse("1.0.0"), "--ready");
    /** Healthy; shipped as a full image. */
    static final Fixture HEALTHY = new Fixture(Version.parse("1.1.0"), "--ready");
    /** Its service never becomes ready, so the trial fails health; shipped as a delta from {@link #HEALTHY}. */
    static final Fixture NEVER_READY = new Fixture(Version.parse("1.2.0"), "--never-ready");
    /** Its service halts the JVM before healthd runs, on every boot: a crash loop; shipped as a full image. */
    static final Fixture CRASHING = new Fixture(Version.parse("1.3.0"), "--crash");
    static final List<Fixture> ALL = List.of(FACTORY, HEALTHY, NEVER_READY, CRASHING);

    Fixture {
        Objects.requireNonNull(version, "version");
        if (!List.of("--ready", "--never-ready", "--crash").contains(helloArgument)) {
            throw new IllegalArgumentException("hello takes --ready, --never-ready or --crash, not " + helloArgument);
        }
    }

    /** The bundle manifest's start command: the service class and its argument. */
    String startCommand() {
        return DemoBundle.SERVICE_CLASS + " " + helloArgument;
    }

    /**
     * Packs {@code hello.nxb} (version = the release's) into {@code dir} and the system set
     * {@code system.nxs} signed by {@code key}; returns the system set's path.
     */
    Path systemSet(byte[] payload, SigningKey key, Path dir) {
        try {
            Files.createDirectories(dir);
            Path bundle = dir.resolve(BUNDLE + ".nxb");
            Files.write(bundle, Bundle.pack(BUNDLE, version, PUBLISHER, ABILITIES, startCommand(), payload));
            Path nxs = dir.resolve("system.nxs");
            Files.write(nxs, Packaging.systemSet(List.of(bundle), version, PUBLISHER, List.of(key)));
            return nxs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The slot image's file name in the build's work and output directories. */
    String imageName() {
        return this.equals(FACTORY) ? "slot-a.img" : "slot-" + version + ".img";
    }
}
