package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.SlotDevices;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.records.HistoryEntry;
import io.trialboot.trust.Trust;
import io.trialboot.update.UpdateEngine;
import io.trialboot.verified.VerifiedFeed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A factory device on the host for the hostile-input corpus, driven through the guest's own
 * services: {@link UpdateService} (what updated runs for {@code nx feed}, {@code nx update apply}
 * and the selftest's feed install), {@link AdmissionService} ({@code nx admit}), {@link Bundlemgrd} (the slot's system set at boot) and the
 * trust load plus {@link Admission} of {@code Guest.start}. Slot a holds the factory image, slot b
 * is empty; the state tree is a copy of the factory one, booted once ({@code onBoot}) and with an
 * OK host status, exactly as the guest is when its console is ready.
 *
 * <p>It lives in the guest package (test sources of guest-image, which can build the fixtures) to
 * reach those package-private services without a second copy of their logic.
 */
public final class HostileDevice {
    /** Where the device answered: before anything was written (stage), or while writing the inactive slot (apply). */
    public enum Phase { STAGE, APPLY }

    /** The device's answer: {@code HOST_OK} or the code it refused with, and where. */
    public record Outcome(Code code, Phase phase) {}

    private final GuestPaths paths;
    private final HostStateTree tree;
    private final UpdateEngine engine;
    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);

    /**
     * @param state        a copy of the factory state tree, this device's own
     * @param factoryImage the factory slot image (copied into slot a)
     * @param slotBytes    each slot partition's size
     * @param updates      the media's {@code updates/} directory (linked, only read)
     * @param dir          an empty directory for this device
     */
    public HostileDevice(Path state, Path factoryImage, long slotBytes, Path updates, Path dir) {
        try {
            Path media = Files.createDirectories(dir.resolve("media"));
            Files.createSymbolicLink(media.resolve("updates"), updates.toAbsolutePath());
            paths = new GuestPaths(state, Files.createDirectories(dir.resolve("run")),
                    dir.resolve("release"), dir.resolve("system.nxs"), media, dir.resolve("cmdline"), dir.resolve("slot-a"),
                    dir.resolve("slot-b"), dir.resolve("sys/block"));
            Files.copy(factoryImage, paths.slotA());
            size(paths.slotA(), slotBytes);
            size(paths.slotB(), slotBytes);
            Files.writeString(paths.release(), SlotRelease.text("1.0.0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tree = HostStateTree.open(paths.state());
        engine = new UpdateEngine(tree, SlotDevices.of(Map.of(Slot.A, paths.slotA(), Slot.B, paths.slotB())),
                Clock.systemUTC(), "hostile-corpus");
        engine.onBoot();
        if (!engine.selfcheck(false).ok()) {
            throw new IllegalStateException("the factory device's selfcheck is not OK");
        }
    }

    public Path slotA() {
        return paths.slotA();
    }

    public Path slotB() {
        return paths.slotB();
    }

    public Path bootControl() {
        return paths.bootControl();
    }

    public Path quarantine() {
        return tree.quarantine();
    }

    public List<HistoryEntry> history() {
        return engine.history().read();
    }

    public List<String> console() {
        return consoleBytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** {@code nx update apply <input>}: updated's StageSystem (stage, then apply to the inactive slot). */
    public Outcome install(String input) {
        UpdateService s = service(paths.media());
        return stageAndApply(s, () -> s.stage(input));
    }

    /** {@code nx feed} with {@code feed} (and its {@code .sig}) as the media's stable feed. */
    public Outcome feed(Path feed) {
        try {
            service(mediaWithFeed(feed)).loadFeed();
            return new Outcome(Code.HOST_OK, Phase.STAGE);
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.STAGE);
        }
    }

    /** The selftest's install: load {@code feed} as the stable feed, stage its first entry, apply it. */
    public Outcome feedInstall(Path feed) {
        UpdateService s = service(mediaWithFeed(feed));
        return stageAndApply(s, () -> {
            VerifiedFeed vf = s.loadFeed();
            return s.stage(vf, vf.feed().entries().get(0));
        });
    }

    private static Outcome stageAndApply(UpdateService s, Supplier<UpdateService.Staged> stage) {
        UpdateService.Staged staged;
        try {
            staged = stage.get();
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.STAGE);
        }
        try {
            s.apply(staged);
            return new Outcome(Code.HOST_OK, Phase.APPLY);
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.APPLY);
        }
    }

    /** bundlemgrd at boot with {@code nxs} as the booted slot's system set. */
    public Outcome systemSet(Path nxs) {
        try {
            Files.copy(nxs, paths.systemSet(), StandardCopyOption.REPLACE_EXISTING);
            Bundlemgrd bundlemgrd = new Bundlemgrd(paths, Runnable::run);
            bundlemgrd.verifyWith(Trust.load(paths.state(), HostStateTree.SYSTEM_DOMAIN), Optional.empty());
            bundlemgrd.publish(Slot.A, console);
            return new Outcome(Code.HOST_OK, Phase.STAGE);
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.STAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A boot finding {@code dam} (and its {@code .sig}) as the domain's admission record: Guest.start's trust load. */
    public Outcome admission(Path dam) {
        try {
            Path dir = paths.state().resolve(Trust.admissionDir(HostStateTree.SYSTEM_DOMAIN));
            Files.copy(dam, dir.resolve(Trust.ADMISSION_FILE), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dam.resolveSibling(dam.getFileName() + ".sig"), dir.resolve(Trust.ADMISSION_SIGNATURE_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            Admission.record(tree, Trust.load(paths.state(), HostStateTree.SYSTEM_DOMAIN));
            return new Outcome(Code.HOST_OK, Phase.STAGE);
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.STAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code nx admit <input>}: updated's Admit, a root's decision on an admission record from the media. */
    public Outcome admit(String input) {
        AdmissionService s = new AdmissionService(tree, engine, new MediaInputs(paths.media()),
                new AtomicReference<>(Trust.load(paths.state(), HostStateTree.SYSTEM_DOMAIN)), console);
        try {
            s.admit(input);
            return new Outcome(Code.HOST_OK, Phase.STAGE);
        } catch (TrialbootException e) {
            return new Outcome(e.code(), Phase.STAGE);
        }
    }

    private UpdateService service(Path media) {
        return new UpdateService(engine, tree, new MediaInputs(media),
                () -> Trust.load(paths.state(), HostStateTree.SYSTEM_DOMAIN), console);
    }

    /** A media view whose {@code updates/} is the real one but for {@code feeds/stable.nxf}. */
    private Path mediaWithFeed(Path feed) {
        try {
            Path media = paths.run().resolve("media-" + System.nanoTime());
            Path updates = Files.createDirectories(media.resolve("updates"));
            Path real = paths.media().resolve("updates").toRealPath();
            try (Stream<Path> s = Files.list(real)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (!p.getFileName().toString().equals("feeds")) {
                        Files.createSymbolicLink(updates.resolve(p.getFileName().toString()), p);
                    }
                }
            }
            Path feeds = Files.createDirectories(updates.resolve("feeds"));
            Files.createSymbolicLink(feeds.resolve("stable.nxf"), feed.toAbsolutePath());
            Files.createSymbolicLink(feeds.resolve("stable.nxf.sig"), feed.resolveSibling(feed.getFileName() + ".sig")
                    .toAbsolutePath());
            return media;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void size(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }
}
