package io.trialboot.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the harness's QEMU command line for an interactive VM (what {@code scripts/vm} runs), so
 * the tests and the developer's VM boot the same way from one definition. Creates a fresh overlay in
 * the run directory; prints one argument per line, for {@code mapfile -t cmd < <(...)} in bash.
 *
 * <pre>
 * VmCommand --image guest-image/target/image/guest.properties --run-dir target/vm
 *           [--append "trialboot.selftest=ota"] [--no-media] [--memory 1G] [--smp 2]
 * </pre>
 * Exit codes: 0 printed, 2 bad usage, 1 the harness failed (message with its code on stderr).
 */
public final class VmCommand {
    private VmCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path image = null;
        Path runDir = null;
        String append = "";
        boolean media = true;
        String memory = "1G";
        int smp = 2;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--image" -> image = Path.of(value(args, ++i));
                    case "--run-dir" -> runDir = Path.of(value(args, ++i));
                    case "--append" -> append = value(args, ++i);
                    case "--no-media" -> media = false;
                    case "--memory" -> memory = value(args, ++i);
                    case "--smp" -> smp = Integer.parseInt(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (image == null || runDir == null) throw new IllegalArgumentException("--image and --run-dir are required");
        } catch (IllegalArgumentException e) {
            err.println("usage: VmCommand --image <guest.properties> --run-dir <dir> [--append <kernel args>]"
                    + " [--no-media] [--memory 1G] [--smp 2]: " + e.getMessage());
            return 2;
        }
        try {
            GuestImage img = GuestImage.load(image).withExtraAppend(append);
            VmConfig config = VmConfig.builder(img, runDir.toAbsolutePath()).attachMedia(media && img.media().isPresent())
                    .memory(memory).smp(smp).build();
            Files.createDirectories(config.runDir());
            Path overlay = Overlay.create(config.qemuImgBinary(), img.disk(), config.runDir().resolve("overlay.qcow2"));
            List<String> argv = new ArrayList<>(QemuCommand.argv(config, overlay, config.runDir().resolve("qmp.sock")));
            argv.forEach(out::println);
            return 0;
        } catch (HarnessException e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cannot create " + runDir + ": " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }
}
