package io.trialboot.harness.cli;

import io.trialboot.harness.GuestImage;
import io.trialboot.harness.QemuVm;
import io.trialboot.harness.TimeoutScale;
import io.trialboot.harness.VmConfig;
import io.trialboot.markers.Contract;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code scripts/vm --scenario <name>}: boots the guest, drives a scenario at its console the way
 * a person would (typing {@code nx} commands, waiting for markers), then hands the console over
 * at the interesting moment. Ctrl-A X quits QEMU.
 */
public final class VmCli {
    private VmCli() {}

    public static void main(String[] args) {
        if (args.length != 4 || !args[0].equals("--scenario")) {
            System.err.println("usage: VmCli --scenario <name> <guest.properties> <run dir>");
            System.exit(2);
        }
        Scenario scenario = Scenario.named(args[1]);
        if (scenario == null) {
            System.err.println("vm: unknown scenario '" + args[1] + "' (known: " + Scenario.NAMES + ")");
            System.exit(2);
        }
        GuestImage image = GuestImage.load(Path.of(args[2])).withExtraAppend(scenario.append());
        VmConfig config = VmConfig.builder(image, Path.of(args[3])).scale(TimeoutScale.fromEnvironment()).build();
        System.exit(run(scenario, config));
    }

    static int run(Scenario scenario, VmConfig config) {
        try (QemuVm vm = QemuVm.start(config)) {
            System.out.println("vm: scenario '" + scenario.name() + "': " + scenario.summary());
            System.out.println("vm: the console log is " + vm.serialLog());
            for (Scenario.Step step : scenario.steps()) {
                System.out.println("vm: " + step.say());
                if (step.type() != null) {
                    vm.type(step.type());
                }
                if (step.until() != null) {
                    vm.await(Contract.parse(scenario.name() + "-step", step.until()));
                }
            }
            System.out.println();
            System.out.println(scenario.handover());
            System.out.println();
            rawTerminal();
            return vm.attach(System.in, System.out);
        }
    }

    /** Keys go to the guest one by one (Ctrl-A X to QEMU); scripts/vm restores the terminal. */
    private static void rawTerminal() {
        try {
            new ProcessBuilder("sh", "-c", "stty raw -echo < /dev/tty").inheritIO().start().waitFor();
        } catch (IOException e) {
            System.out.println("vm: cannot switch the terminal to raw mode (" + e.getMessage() + "); keys go line by line");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
