package io.trialboot.guest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The {@code nx} CLI as its own process, pointed at a test device's socket: {@code NxProcess <socket> <command...>}. */
public final class NxProcess {
    private NxProcess() {}

    public static void main(String[] args) {
        List<String> command = Arrays.asList(args).subList(1, args.length);
        System.exit(new NxClient(Path.of(args[0])).run(command, System.out));
    }
}
