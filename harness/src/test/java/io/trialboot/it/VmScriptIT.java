package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.SnapshotCache;
import io.trialboot.markers.BootMode;
import io.trialboot.markers.Marker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/vm} as a person uses it, in a real pty: {@code --at-console} starts at the factory
 * image's first prompt, restored from the tests' snapshot cache ({@code factory-at-console}: the
 * first boot is {@code FirstBootIT}'s subject); {@code nx reboot} makes QEMU exit
 * ({@code -no-reboot}) and the harness boot a new one, cold, on the same overlay, and the second
 * boot comes up in the same session with its banner line; Ctrl-A X quits QEMU with exit code 0
 * within seconds. With snapshots off the session starts with a cold boot instead.
 */
class VmScriptIT {
    private static final Duration BOOT = Duration.ofSeconds(240);

    @Test
    void nxRebootStaysInTheSessionAndCtrlAXQuits() throws Exception {
        Path runs = Path.of(System.getProperty("trialboot.runs", "target/qemu-runs"), "VmScriptIT").toAbsolutePath();
        SnapshotCache cache = SnapshotCache.fromEnvironment();
        List<String> args = new ArrayList<>(List.of("--runs", runs.toString()));
        if (cache.enabled()) args.addAll(List.of("--at-console", "--snapshots", cache.dir().toString()));
        try (ScriptTerminal vm = new ScriptTerminal(args.toArray(String[]::new))) {
            int at;
            if (cache.enabled()) {
                at = vm.await("vm: boot 1 (the factory image at its first prompt, ", 0, BOOT);
                vm.type("\r"); // a restored guest prints nothing until typed to
            } else {
                at = vm.await("vm: boot 1 (power on)", 0, Duration.ofSeconds(120));
                at = vm.await(Marker.GUEST_SHELL_READY.line(), at, BOOT);
            }
            at = vm.await("trialboot# ", at, Duration.ofSeconds(60));
            vm.type("nx reboot\r");
            at = vm.await("vm: boot 2 (guest reset)", at, Duration.ofSeconds(120));
            at = vm.await(Marker.STAGE0_BOOT.line("a", BootMode.NORMAL.text(), 0, 2), at, BOOT);
            at = vm.await(Marker.GUEST_SHELL_READY.line(), at, BOOT);
            at = vm.await("trialboot# ", at, Duration.ofSeconds(60));

            vm.type((byte) 1, (byte) 'x');
            vm.await("vm: QEMU exited with code 0", at, Duration.ofSeconds(10));
            assertEquals(0, vm.awaitExit(Duration.ofSeconds(10)), "scripts/vm exits with QEMU's code; screen ends:\n" + vm.tail());
            assertTrue(!vm.tail().contains("sh: x"), "Ctrl-A X never reaches the guest");
        }
    }
}
