package io.trialboot.harness.console;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code scripts/vm}'s options, as the script passes them on: it adds {@code --built-image} (the
 * image the build makes, booted unless {@code --image} names another) and {@code --runs}.
 * {@code imageNamed}: the person named the image ({@code --image}), so a {@code --resume} boots it
 * rather than the image the device was made on.
 */
record VmOptions(Path image, boolean imageNamed, Path runs, Optional<Scenario> scenario, boolean resume, Optional<Path> from,
        Optional<Path> attach, boolean atConsole, String memory, String append) {
    /** QEMU's {@code -m}: a whole number of MiB, or of M or G. */
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]{0,6}[MG]?");

    static VmOptions parse(String[] args) {
        Path image = null;
        Path built = null;
        Path runs = null;
        Scenario scenario = null;
        boolean resume = false;
        Path from = null;
        Path attach = null;
        boolean atConsole = false;
        String memory = "1G";
        String append = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--image" -> image = Path.of(value(args, ++i)).toAbsolutePath();
                case "--built-image" -> built = Path.of(value(args, ++i)).toAbsolutePath();
                case "--runs" -> runs = Path.of(value(args, ++i));
                case "--scenario" -> {
                    String name = value(args, ++i);
                    scenario = Scenario.named(name);
                    if (scenario == null) throw new IllegalArgumentException("unknown scenario '" + name + "' (known: " + Scenario.NAMES + ")");
                }
                case "--resume" -> resume = true;
                case "--from" -> from = Path.of(value(args, ++i)).toAbsolutePath();
                case "--attach" -> attach = Path.of(value(args, ++i)).toAbsolutePath();
                case "--at-console" -> atConsole = true;
                case "--memory" -> {
                    memory = value(args, ++i);
                    if (!MEMORY.matcher(memory).matches()) {
                        throw new IllegalArgumentException("--memory takes a size such as 1G or 1536M, not '" + memory + "'");
                    }
                }
                case "--append" -> append = value(args, ++i);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if ((image == null && built == null) || runs == null) throw new IllegalArgumentException("--image and --runs are required");
        int ways = (resume ? 1 : 0) + (from != null ? 1 : 0) + (attach != null ? 1 : 0) + (atConsole ? 1 : 0);
        if (ways > 1) throw new IllegalArgumentException("--resume, --from, --attach and --at-console exclude each other");
        if (scenario != null && ways > 0) {
            throw new IllegalArgumentException("a scenario starts from the factory image: no --resume, --from, --attach or --at-console");
        }
        return new VmOptions(image != null ? image : built, image != null, runs, Optional.ofNullable(scenario), resume, Optional.ofNullable(from), Optional.ofNullable(attach),
                atConsole, memory, append);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }
}
