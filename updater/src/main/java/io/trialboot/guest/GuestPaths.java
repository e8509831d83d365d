package io.trialboot.guest;

import io.trialboot.bootctl.BootControlFile;
import java.nio.file.Path;

/**
 * Where the guest services find things. Defaults are the guest's paths; host tests point them at
 * temporary directories.
 *
 * @param state   root of the state partition (mounted by stage 0)
 * @param run     runtime directory (tmpfs): the RPC socket, the published slot
 * @param release the slot's {@code /etc/trialboot-release}
 */
public record GuestPaths(Path state, Path run, Path release) {
    public static GuestPaths guest() {
        return new GuestPaths(Path.of("/state"), Path.of("/run/trialboot"), Path.of("/etc/trialboot-release"));
    }

    public Path bootControl() {
        return state.resolve(BootControlFile.PATH);
    }

    public Path socket() {
        return run.resolve("updated.sock");
    }

    public Path publishedSlot() {
        return run.resolve("active-slot");
    }
}
