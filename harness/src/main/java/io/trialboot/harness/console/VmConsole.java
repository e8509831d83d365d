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
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code scripts/vm}: the guest on this terminal, booted through the harness's own launcher
 * ({@link QemuVm}), so it boots exactly as in the tests and a guest reset boots a new QEMU on the
 * same overlay without ending the session ({@link VmTerminal}: the keys, the boot banners). Each
 * session gets its own run directory ({@link Sessions}); {@code --resume} boots the last session's
 * device again, {@code --from <run dir>} a copy of the device a test left, {@code --attach <run dir>}
 * joins a failed test's kept VM, {@code --at-console} starts at the factory image's first prompt
 * restored from the snapshot cache the QEMU tests keep ({@code factory-at-console}), {@code --scenario <name>} walks to an interesting moment first.
 * Exit status: QEMU's exit code (0 after Ctrl-A X), 2 bad usage, 1 the VM could not be booted.
 */
public final class VmConsole {
    private VmConsole() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream keyboard, PrintStream out, PrintStream err) {
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
        Path session = sessions.next(LocalDateTime.now(), o.scenario().map(Scenario::name).orElse(""));
        try (QemuVm vm = boot(o, device, session, out)) {
            out.println("vm: run directory " + vm.runDir());
            out.println("vm: serial log    " + vm.serialLog() + "  (tail -f it from another terminal)");
            out.println("vm: timeline      " + vm.timelineFile() + "  (written when the VM closes)");
            out.println("vm: keys          Ctrl-A X quits, Ctrl-A C the QEMU monitor, Ctrl-A H help; Ctrl-C goes to the guest");
            ScenarioRun.Handover start = o.scenario().isPresent() ? new ScenarioRun(o.scenario().get(), vm, out).walk()
                    : new ScenarioRun.Handover(1, o.atConsole() ? "vm: boot 1 (the factory image at its first prompt, " + (restored(vm)
                    ? "restored from the snapshot cache; press Enter for a prompt)" : "booted and saved to the snapshot cache)") : "vm: boot 1 (power on)");
            if (Tty.raw() == Tty.Raw.FAILED) out.println("vm: cannot switch the terminal to raw mode; keys go line by line");
            OptionalInt code = VmTerminal.run(vm, keyboard, out, start.banner(), start.boot());
            vm.close();
            out.print("\r\nvm: " + (code.isPresent() ? "QEMU exited with code " + code.getAsInt() : "the keyboard ended; QEMU quit")
                    + "; the device stays in " + vm.overlay() + " (scripts/vm --resume boots it again; the newest "
                    + Sessions.KEEP_OVERLAYS + " sessions' devices are kept)\r\n");
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
    private static QemuVm boot(VmOptions o, Optional<Path> from, Path session, PrintStream out) {
        GuestImage image = GuestImage.load(o.image())
                .withExtraAppend(o.scenario().map(Scenario::append).orElse(""))
                .withExtraAppend(o.append());
        VmConfig config = VmConfig.builder(image, session).memory(o.memory()).scale(TimeoutScale.fromEnvironment()).build();
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
