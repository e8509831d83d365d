package io.trialboot.harness.console;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.SnapshotRecipe;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.harness.VmTerminal;
import io.trialboot.markers.BootBoundary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code scripts/vm}: the guest on this terminal, booted through the harness's own launcher
 * ({@link QemuVm}), so it boots exactly as in the tests and a guest reset boots a new QEMU on the
 * same overlay without ending the session ({@link VmTerminal}: the keys, the boot banners). Each
 * session gets its own run directory ({@link Sessions}); {@code --resume} boots the last session's
 * device again, {@code --from <run dir>} a copy of the device a test left, {@code --attach <run dir>}
 * joins a failed test's kept VM, {@code --at-console} starts at the factory image's first prompt
 * restored from the snapshot cache the QEMU tests keep ({@code factory-at-console}), {@code --scenario <name>} walks to an interesting moment first.
 * Keys from a pipe are typed line by line at the guest's prompt ({@link PipedKeys}); the last line says how the
 * session ended ({@link SessionEnd}: a guest that powered itself off is not a plain exit).
 * Exit status: QEMU's exit code (0 after Ctrl-A X), 2 bad usage, 1 the VM could not be booted.
 */
public final class VmConsole {
    private VmConsole() {}

    /** How long a piped line may wait for the guest's prompt (a reboot's boot included), times the timeout scale. */
    private static final Duration PROMPT_WAIT = Duration.ofMinutes(5);

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, Tty::raw, UnaryOperator.identity()));
    }

    /** {@code tty} switches the keyboard to raw mode; {@code qemu} may change the VM's configuration (a fake QEMU in tests). */
    static int run(String[] args, InputStream keyboard, PrintStream out, PrintStream err, Supplier<Tty.Raw> tty,
            UnaryOperator<VmConfig.Builder> qemu) {
        VmOptions o;
        try {
            o = VmOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("vm: " + e.getMessage() + " (see scripts/vm --help)");
            return 2;
        }
        if (o.attach().isPresent()) return AttachClient.run(o.attach().get(), keyboard, out, err);
        Sessions sessions = new Sessions(o.runs());
        Optional<Path> device = o.from();
        if (o.resume()) device = sessions.lastDevice();
        if ((o.resume() || o.from().isPresent()) && device.map(d -> !Files.isRegularFile(d.resolve(Sessions.OVERLAY))).orElse(true)) {
            err.println(o.resume() ? "vm: no earlier session under " + o.runs() + " left a device to resume"
                    : "vm: " + o.from().get() + " holds no " + Sessions.OVERLAY + " (a test that passed deleted it; a failed one keeps it)");
            return 2;
        }
        Path image = o.imageNamed() || !o.resume() ? o.image() : device.flatMap(Sessions::imageOf).orElse(o.image());
        if (!image.equals(o.image()) && !Files.isRegularFile(image)) {
            err.println("vm: the device of " + device.orElseThrow() + " was made on the image " + image + ", which is gone;"
                    + " --image names another to boot it on");
            return 2;
        }
        boolean builtImage = image.equals(o.image()) && !o.imageNamed();
        Path session = sessions.next(LocalDateTime.now(), o.scenario().map(Scenario::name).orElse(""));
        try (QemuVm vm = boot(o, image, device, session, out, qemu)) {
            Sessions.recordImage(session, image);
            out.println("vm: run directory " + vm.runDir());
            if (!builtImage) out.println("vm: image         " + image);
            out.println("vm: serial log    " + vm.serialLog() + "  (tail -f it from another terminal)");
            out.println("vm: timeline      " + vm.timelineFile() + "  (written when the VM closes)");
            out.println("vm: keys          Ctrl-A X quits, Ctrl-A C the QEMU monitor, Ctrl-A H help; Ctrl-C goes to the guest");
            boolean restored = o.atConsole() && restored(vm);
            ScenarioRun.Handover start = o.scenario().isPresent() ? new ScenarioRun(o.scenario().get(), vm, out).walk()
                    : new ScenarioRun.Handover(1, o.atConsole() ? "vm: boot 1 (the factory image at its first prompt, " + (restored
                    ? "restored from the snapshot cache; press Enter for a prompt)" : "booted and saved to the snapshot cache)") : "vm: boot 1 (power on)");
            Tty.Raw raw = tty.get();
            if (raw == Tty.Raw.FAILED) out.println("vm: cannot switch the terminal to raw mode; keys go line by line");
            boolean piped = raw == Tty.Raw.NOT_A_TERMINAL;
            if (piped) out.println("vm: keys from a pipe: each line is typed at the guest's prompt, and the session ends when the prompt"
                    + " is back after the last one");
            PipedKeys pipe = piped ? new PipedKeys(keyboard, vm, restored, vm.config().scale().scale(PROMPT_WAIT)) : null;
            OptionalInt code = VmTerminal.run(vm, piped ? pipe : keyboard, out, start.banner(), start.boot());
            if (code.isEmpty()) code = vm.exitCode(); // QEMU may have exited on its own as the keys ended
            vm.close();
            String resume = "scripts/vm --resume boots it again" + (builtImage ? "" : ", on the image " + image);
            out.print("\r\n" + SessionEnd.line(vm.lines(), code, piped ? pipe.why() : "the keyboard ended", vm.overlay(), resume) + "\r\n");
            out.flush();
            return code.orElse(0);
        } catch (HarnessException | UncheckedIOException | AssertionError e) {
            err.println("vm: " + e.getMessage());
            return 1;
        } finally {
            for (Path old : sessions.prune()) {
                out.print("vm: removed the device (" + Sessions.OVERLAY + ") of the session " + old + ": only the newest "
                        + Sessions.KEEP_OVERLAYS + " are kept\r\n");
            }
            out.flush();
        }
    }

    /** Whether {@code vm} began with a restore (its console opens with the restore line), not a cold boot. */
    private static boolean restored(QemuVm vm) {
        return vm.lines().stream().anyMatch(l -> BootBoundary.restore(l.text()).isPresent());
    }

    /** A fresh device, or the one {@code --resume}/{@code --from} names, in {@code session}. */
    private static QemuVm boot(VmOptions o, Path properties, Optional<Path> from, Path session, PrintStream out,
            UnaryOperator<VmConfig.Builder> qemu) {
        GuestImage image = GuestImage.load(properties)
                .withExtraAppend(o.scenario().map(Scenario::append).orElse(""))
                .withExtraAppend(o.append());
        VmConfig config = qemu.apply(VmConfig.builder(image, session).memory(o.memory()).scale(TimeoutScale.fromEnvironment())).build();
        if (o.atConsole()) {
            out.println("vm: starting at the factory image's first prompt, from the snapshot cache " + config.snapshots().dir()
                    + " (the first time: a cold boot, then saved there)");
            return QemuVm.start(config, SnapshotRecipe.FACTORY_AT_CONSOLE);
        }
        if (from.isEmpty()) return QemuVm.start(config);
        Path device = from.get().resolve(Sessions.OVERLAY);
        Path target = session.resolve(Sessions.OVERLAY);
        try {
            Files.createDirectories(session);
            if (o.resume()) {
                Files.move(device, target); // the device moves on with the person; the old session keeps its logs
                out.println("vm: resuming the device of " + from.get() + " (its overlay.qcow2 moved here)");
            } else {
                Files.copy(device, target, StandardCopyOption.COPY_ATTRIBUTES); // the test's evidence stays as it was
                out.println("vm: booting a copy of the device " + from.get() + " left (its overlay.qcow2)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the device from " + device, e);
        }
        return QemuVm.resume(config);
    }
}
