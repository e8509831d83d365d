package io.trialboot.harness.cli;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.markers.Contract;
import io.trialboot.markers.check.MarkersCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code scripts/qemu-test.sh}: boots the guest with the selftest switched on and gates on a
 * contract. The live run uses the contract's matcher (ending at once on a forbidden line or when
 * QEMU exits); the verdict is then {@code markers check} over the saved serial log, so the exit
 * status is exactly what CI's offline gate would say: 0 the contract holds, 1 it does not, 2
 * usage or unusable input.
 *
 * <p>Knobs (environment): {@code CONTRACT} (a built-in contract or a contract file, as {@code markers check}
 * takes it; default {@code ota-cycle}), {@code APPEND} (default
 * {@code trialboot.selftest=ota}), {@code RUN_UNTIL_MARKER} (1: stop as soon as the contract's
 * last marker appeared; 0: keep the guest running until {@code RUN_TIMEOUT}, so later forbidden
 * lines count too), {@code RUN_TIMEOUT} (hard cap of the whole run, default 900s),
 * {@code TRIALBOOT_TIMEOUT_SCALE}, {@code RUN_DIR}.
 */
public final class QemuTestCli {
    private QemuTestCli() {}

    public static void main(String[] args) {
        System.exit(run(new Knobs(System.getenv()), Path.of(args.length > 0 ? args[0] : "guest-image/target/image/guest.properties")));
    }

    /** The knobs, read and checked; {@code contract} is what {@code CONTRACT} names, a built-in contract or a file. */
    record Settings(String contractArg, Contract contract, String append, boolean untilMarker, Duration runTimeout, Path runDir) {
        /** @throws RuntimeException a knob that is not usable, with the message to print */
        static Settings read(Knobs knobs) {
            String contractArg = knobs.text("CONTRACT", "ota-cycle");
            return new Settings(contractArg, MarkersCheck.contract(contractArg), knobs.text("APPEND", "trialboot.selftest=ota"),
                    knobs.flag("RUN_UNTIL_MARKER", true), knobs.duration("RUN_TIMEOUT", Duration.ofSeconds(900)),
                    Path.of(knobs.text("RUN_DIR", "target/qemu-test")));
        }
    }

    static int run(Knobs knobs, Path properties) {
        Settings s;
        try {
            s = Settings.read(knobs);
        } catch (RuntimeException e) {
            System.err.println("qemu-test: " + e.getMessage());
            return MarkersCheck.USAGE;
        }
        TimeoutScale scale = TimeoutScale.fromEnvironment();
        GuestImage image = GuestImage.load(properties).withExtraAppend(s.append());
        VmConfig config = VmConfig.builder(image, s.runDir()).scale(scale).build();
        System.out.printf("qemu-test: contract %s, append '%s', RUN_UNTIL_MARKER=%d, RUN_TIMEOUT=%ds, %s%n",
                s.contract().name(), s.append(), s.untilMarker() ? 1 : 0, s.runTimeout().toSeconds(), scale);
        AtomicBoolean timedOut = new AtomicBoolean();
        Path serialLog;
        try (QemuVm vm = QemuVm.start(config)) {
            serialLog = vm.serialLog();
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(s.runTimeout().toMillis());
                    timedOut.set(true);
                    vm.powerCut();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "qemu-test-timeout");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                vm.await(s.contract());
                System.out.println("qemu-test: contract met live");
                if (!s.untilMarker()) {
                    watchdog.join();
                }
            } catch (AssertionError e) {
                System.out.println("qemu-test: contract not met live" + (timedOut.get() ? " (RUN_TIMEOUT reached)" : ""));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                watchdog.interrupt();
            }
        }
        System.out.println("qemu-test: markers check " + s.contractArg() + " " + serialLog);
        return MarkersCheck.run(List.of("check", s.contractArg(), serialLog.toString(), "--scale", Double.toString(scale.factor())),
                System.out, System.err);
    }
}
