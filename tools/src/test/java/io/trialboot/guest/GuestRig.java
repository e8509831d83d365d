package io.trialboot.guest;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.Stage0Model;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.Version;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.format.Bundle;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Marker;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.WitnessMode;
import io.trialboot.update.HealthGate;
import io.trialboot.update.UpdateEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A device on the host for the guest services: a state tree with a pinned root and the admission
 * record, two file-backed slots (factory v1.0.0 in a), update media with v1.1.0 (full), v1.2.0
 * (a delta from v1.1.0 whose bundle never becomes ready) and v1.3.0 (full; its bundle fails to start), the slot contents (release file, system
 * set) per installed version, a fake health clock, and a console log with boot indexes.
 */
final class GuestRig implements AutoCloseable {
    static final int SLOT_BYTES = 96 * 1024;
    static final String PUBLISHER = "trialboot test";

    final Fixture keys = new Fixture();
    final Path root;
    final GuestPaths paths;
    final byte[] v100;
    final byte[] v110;
    final byte[] v120;
    final byte[] v130;
    /** The start option of the {@code hello} bundle in each version's system set. */
    final Map<Version, String> helloStart = new java.util.HashMap<>(Map.of(
            Version.parse("1.0.0"), "--ready", Version.parse("1.1.0"), "--ready", Version.parse("1.2.0"), "--never-ready",
            Version.parse("1.3.0"), "--fail"));
    final List<ConsoleLine> log = new ArrayList<>();
    final AtomicInteger reboots = new AtomicInteger();
    final AtomicLong nanos = new AtomicLong();
    KernelCmdline cmdline = KernelCmdline.parse("");
    /** Who signs the booted slot's system set (a stranger: bundlemgrd must refuse it). */
    SigningKey systemSigner = keys.k1;
    /** Changes the system set's bytes after signing (tampering on the slot). */
    java.util.function.UnaryOperator<byte[]> tamper = b -> b;
    /** Runs the start-up checks and the bundles' starts: inline unless a test says otherwise, so a boot's lines come in one order. */
    java.util.concurrent.Executor threads = Runnable::run;
    private int boot;
    /** The slot's system set cannot be read (a block dm-verity refuses at read time). */
    boolean systemSetUnreadable;
    private ByteArrayOutputStream bootBytes = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(bootBytes, true, StandardCharsets.UTF_8);
    Guest guest;

    GuestRig(Path root) throws IOException {
        this.root = root;
        Path run = Files.createTempDirectory(Path.of("/tmp"), "tb-g"); // Unix socket paths are short
        paths = new GuestPaths(root.resolve("state"), run, root.resolve("slot/etc/trialboot-release"),
                root.resolve("slot/system/system.nxs"), root.resolve("media"), root.resolve("cmdline"),
                root.resolve("vda2"), root.resolve("vda3"), root.resolve("sys/block"));
        Files.createDirectories(paths.release().getParent());
        Files.createDirectories(paths.systemSet().getParent());
        HostStateTree.create(paths.state(), "guest-rig");
        HostStateTree tree = tree();
        Packaging.pinRoot(paths.state(), "root", keys.root.publicKey());
        Files.createDirectories(paths.anchor());
        Files.write(paths.anchor().resolve("root.pub"), Ed25519.toPem(keys.root.publicKey()));
        Packaging.writeAdmission(paths.state(), keys.record(WitnessMode.SINGLE, 1, List.of(keys.k1), List.of(keys.k3)),
                keys.root);
        Random r = new Random(5);
        v100 = new byte[64 * 1024];
        r.nextBytes(v100);
        v110 = v100.clone();
        Arrays.fill(v110, 1000, 1400, (byte) 7);
        v120 = v110.clone();
        Arrays.fill(v120, 30_000, 30_300, (byte) 9);
        v130 = v120.clone();
        Arrays.fill(v130, 50_000, 50_100, (byte) 3);
        Files.write(paths.slotA(), Arrays.copyOf(v100, SLOT_BYTES));
        Files.write(paths.slotB(), new byte[SLOT_BYTES]);
        tree.system().recordFactoryImage(SlotSnapshot.whole(Slot.A, Version.parse("1.0.0"), Sha256.of(v100), v100.length, 0));

        Path updates = paths.media().resolve("updates");
        Path img110 = write(updates.resolve("releases/1.1.0/slot.img"), v110);
        Path m110 = release("1.1.0", img110, Optional.of("releases/1.1.0/slot.img"), List.of(), keys.k1)
                .resolve("manifest.nxm");
        Path img120 = write(root.resolve("images/1.2.0.img"), v120);
        Path delta = updates.resolve("releases/1.2.0/from-1.1.0.nxdelta");
        Files.createDirectories(delta.getParent());
        try (OutputStream out = Files.newOutputStream(delta)) {
            new DeltaMaker().make(img110, img120, out);
        }
        Path m120 = release("1.2.0", img120, Optional.empty(),
                List.of(new Packaging.DeltaInput(delta, "releases/1.2.0/from-1.1.0.nxdelta", img110)), keys.k1)
                .resolve("manifest.nxm");
        Path img130 = write(updates.resolve("releases/1.3.0/slot.img"), v130);
        Path m130 = release("1.3.0", img130, Optional.of("releases/1.3.0/slot.img"), List.of(), keys.k1)
                .resolve("manifest.nxm");
        Signed feed = Packaging.feed("stable", updates, List.of(m110, m120, m130), List.of(keys.k1));
        Files.createDirectories(updates.resolve("feeds"));
        feed.writeTo(updates.resolve("feeds/stable.nxf"));
    }

    /** Writes a signed release manifest into {@code updates/releases/<version>/}; returns that directory. */
    Path release(String version, Path image, Optional<String> fullPath, List<Packaging.DeltaInput> deltas,
            SigningKey key) {
        return release("releases/" + version, version, Fixture.COMPATIBLE, image, fullPath, deltas, key);
    }

    Path release(String dir, String version, String compatible, Path image, Optional<String> fullPath,
            List<Packaging.DeltaInput> deltas, SigningKey key) {
        Path d = paths.media().resolve("updates").resolve(dir);
        Signed m = Packaging.release(new Packaging.ReleaseInput(Version.parse(version), Version.parse("1.0.0").isBelow(
                Version.parse(version)) ? Version.parse("1.0.0") : Version.parse(version), compatible,
                Sha256.of(new byte[] {1}), Fixture.POLICY, image, fullPath, deltas), List.of(key));
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        m.writeTo(d.resolve("manifest.nxm"));
        return d;
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** The signed system set of a slot holding {@code version}: bundle {@code hello} with that version's start option. */
    byte[] systemSet(Version version, SigningKey key) throws IOException {
        byte[] bundle = Bundle.pack("hello", version, PUBLISHER, List.of(),
                DemoService.class.getName() + " " + helloStart.get(version), emptyJar());
        Path file = write(root.resolve("bundles/" + version + "/hello.nxb"), bundle);
        return Packaging.systemSet(List.of(file), version, PUBLISHER, List.of(key));
    }

    /** A valid jar with only a manifest: {@link DemoService} itself comes through the parent class loader. */
    static byte[] emptyJar() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Manifest mf = new Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.flush();
        }
        return out.toByteArray();
    }

    HostStateTree tree() {
        return HostStateTree.open(paths.state(), FastStateWriter.INSTANCE);
    }


    UpdateEngine engine() {
        return new UpdateEngine(tree(), paths.slotDevices(), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"),
                ZoneOffset.UTC), "build-test");
    }

    BootControlFile bootControl() throws IOException {
        return BootControlFile.decode(Files.readAllBytes(paths.bootControl()));
    }

    /**
     * One boot: stage 0's decision (as {@code bootselect.sh} makes it), the slot's contents for the
     * version its snapshot records, then the guest services. Returns {@link Guest#start}'s status.
     */
    int boot() throws Exception {
        closeGuest();
        BootControlFile before = bootControl();
        BootControlFile after = Stage0Model.boot(before);
        Files.write(paths.bootControl(), after.encode());
        Slot slot = BootControl.running(after);
        String mode = after.fallback().isPresent() ? "fallback" : after.trial().equals(Optional.of(slot)) ? "trial" : "normal";
        boot++;
        line("OpenSBI v1.1");
        line(Marker.STAGE0_BOOT.line(slot.letter(), mode, after.triesLeft(), after.bootCount()));
        Version version = tree().system().snapshot(slot).orElseThrow().version();
        Files.writeString(paths.release(), SlotRelease.text(version.toString()));
        Files.deleteIfExists(paths.systemSet());
        if (systemSetUnreadable) {
            Files.createDirectory(paths.systemSet()); // its reads fail with EISDIR, as dm-verity's EIO would
        } else {
            Files.write(paths.systemSet(), tamper.apply(systemSet(version, systemSigner)));
        }
        guest = new Guest(paths, tree(), engine(), reboots::incrementAndGet, console, cmdline,
                bound -> probes -> new HealthGate(probes, probes.size(), bound, Duration.ofMillis(250), nanos::get,
                        d -> nanos.addAndGet(d.toNanos())),
                Startup.begin(paths, threads));
        int status = guest.start();
        flush();
        return status;
    }

    /** What the console printed (this run, all boots so far), one string per line. */
    List<String> lines() {
        flush();
        return log.stream().map(ConsoleLine::text).toList();
    }

    private void line(String text) {
        log.add(new ConsoleLine(Duration.ZERO, boot, text));
    }

    void flush() {
        for (String l : bootBytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            line(l);
        }
        bootBytes.reset();
    }

    void closeGuest() throws Exception {
        if (guest != null) {
            guest.close();
            guest = null;
        }
    }

    @Override
    public void close() throws Exception {
        closeGuest();
        Bundlemgrd.deleteTree(paths.run());
    }
}
