package io.trialboot.update;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.Stage0Model;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.Version;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.trust.SignatureFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** A device on the host: a state tree in a temp dir, two in-memory slots, the factory image in slot a. */
final class Rig {
    static final int SLOT_BYTES = 96 * 1024;
    final Path stateRoot;
    final Map<Slot, MemoryBlockDevice> devices = new EnumMap<>(Slot.class);
    final byte[] factory;
    final byte[] v2;
    final byte[] v3;

    StateWriter writer = FastStateWriter.INSTANCE;
    /** Wraps each device the engine opens (power-cut tests count and fail writes there). */
    java.util.function.Function<MemoryBlockDevice, BlockDevice> wrap = d -> d;

    Rig(Path stateRoot) throws IOException {
        this.stateRoot = stateRoot;
        Random r = new Random(3);
        factory = new byte[80 * 1024];
        r.nextBytes(factory);
        Arrays.fill(factory, 10_000, 20_000, (byte) 0);
        v2 = factory.clone();
        for (int i = 0; i < 300; i++) {
            v2[40_000 + i] = (byte) i;
        }
        ByteArrayOutputStream v3s = new ByteArrayOutputStream();
        v3s.write(v2, 0, 30_000);
        v3s.writeBytes(new byte[] {1, 2, 3, 4, 5});
        v3s.write(v2, 30_000, 50_000);
        v3 = v3s.toByteArray();
        devices.put(Slot.A, MemoryBlockDevice.of(factory, SLOT_BYTES));
        devices.put(Slot.B, new MemoryBlockDevice(SLOT_BYTES));
        HostStateTree tree = HostStateTree.create(stateRoot, "rig");
        tree.system().recordFactoryImage(SlotSnapshot.whole(Slot.A, Version.parse("1.0.0"), Sha256.of(factory),
                factory.length, 0));
        tree.system().recordAdmission(AdmissionOutcome.ACCEPTED, "rootkey", "policy", null);
        Files.write(tree.trustedRoots().resolve("root.pub"), new byte[] {1});
        // as the image build keeps the factory slot's (FactoryState)
        SlotManifests.keep(FastStateWriter.INSTANCE, stateRoot, Slot.A,
                new SlotManifests.Delivered(manifestOf(factory), signatureOf(factory)));
    }

    private Rig(Rig template, Path stateRoot) throws IOException {
        this.stateRoot = stateRoot;
        this.factory = template.factory;
        this.v2 = template.v2;
        this.v3 = template.v3;
        template.devices.forEach((slot, d) -> devices.put(slot, MemoryBlockDevice.of(d.contents(), SLOT_BYTES)));
        try (var files = Files.walk(template.stateRoot)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = stateRoot.resolve(template.stateRoot.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    /** A copy of this device (state tree and slots) under {@code stateRoot}. */
    Rig copy(Path stateRoot) throws IOException {
        return new Rig(this, stateRoot);
    }

    HostStateTree tree() {
        return HostStateTree.open(stateRoot, writer);
    }

    UpdateEngine engine() {
        return new UpdateEngine(tree(), (slot, writable) -> wrap.apply(devices.get(slot)),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), "build-test");
    }

    /** This device's engine after bootctld recorded its boot; its selfcheck passes. */
    UpdateEngine bootedEngine() {
        UpdateEngine e = engine();
        e.onBoot();
        HostStatus s = e.selfcheck(true);
        if (!s.ok()) {
            throw new AssertionError("the booted device's selfcheck: " + s.failures());
        }
        return e;
    }

    /** Admits (asserting ALLOW), applies and switches to {@code plan}'s release. */
    static UpdateReceipt installAndSwitch(UpdateEngine engine, InstallPlan plan, byte[] artifact) {
        UpdateReceipt allowed = engine.admit(plan, "manifest", new byte[] {1});
        if (allowed.decision() != UpdateReceipt.Decision.ALLOW) {
            throw new AssertionError("not allowed: " + allowed);
        }
        UpdateReceipt installed = engine.apply(allowed, plan, new ByteArrayInputStream(artifact));
        return engine.switchSlot(installed);
    }

    /** The min version of the releases made here: installable over anything. */
    static final Version ANY = Version.parse("0.0.0");

    static SlotImage image(byte[] b) {
        return new SlotImage(Sha256.of(b), b.length);
    }

    static InstallPlan full(String version, byte[] image) {
        return InstallPlan.full("rel-" + version, Version.parse(version), ANY, image(image), Optional.empty());
    }

    InstallPlan delta(String version, byte[] base, byte[] target, byte[][] deltaOut) throws IOException {
        Path s = Files.createTempFile(stateRoot, "base", ".img");
        Path t = Files.createTempFile(stateRoot, "target", ".img");
        Files.write(s, base);
        Files.write(t, target);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaMaker().make(s, t, out);
        Files.delete(s);
        Files.delete(t);
        deltaOut[0] = out.toByteArray();
        return InstallPlan.delta("rel-" + version, Version.parse(version), ANY, image(deltaOut[0]), image(target),
                image(base), Optional.empty());
    }

    /** The rig's stand-in for the signed manifest of {@code image}: it names the image. */
    static byte[] manifestOf(byte[] image) {
        return ("manifest of " + Sha256.of(image).hex()).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] signatureOf(byte[] image) {
        return ("signature of " + Sha256.of(image).hex()).getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code plan}, keeping the stand-in manifest of its target {@code image} for stage 0. */
    static InstallPlan keeping(InstallPlan plan, byte[] image) {
        return plan.keeping(manifestOf(image), signatureOf(image));
    }

    /** What {@link #kept} says for a slot that keeps the manifest and signature of {@code image}. */
    static String keptText(byte[] image) {
        return new String(manifestOf(image), StandardCharsets.US_ASCII) + " / "
                + new String(signatureOf(image), StandardCharsets.US_ASCII);
    }

    /** The manifest and signature file kept for {@code slot} as one text, when both are there. */
    Optional<String> kept(Slot slot) {
        Path manifest = SlotManifests.manifest(stateRoot, slot);
        Path signature = SignatureFile.beside(manifest);
        if (!Files.exists(manifest) || !Files.exists(signature)) {
            return Optional.empty();
        }
        return Optional.of(new String(readAll(manifest), StandardCharsets.US_ASCII) + " / "
                + new String(readAll(signature), StandardCharsets.US_ASCII));
    }

    /** A reboot: unsynced device writes are lost, stage 0 picks a slot, bootctld records the boot. */
    void reboot() {
        devices.values().forEach(MemoryBlockDevice::powerCut);
        Path file = stateRoot.resolve(BootControlFile.PATH);
        BootControlFile after = Stage0Model.boot(BootControlFile.decode(readAll(file)));
        FastStateWriter.INSTANCE.write(file, after.encode());
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    BootControlFile bootControl() {
        return BootControlFile.decode(readAll(stateRoot.resolve(BootControlFile.PATH)));
    }
}
