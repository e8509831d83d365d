package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import io.trialboot.markers.check.MarkersCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The factory image boots slot a and its services come up in order (contract {@code first-boot}),
 * and the offline CI gate agrees on the log this run saved.
 */
@QemuTest
class FirstBootIT {
    @Test
    void factoryImageBootsSlotAAndItsServicesComeUp(QemuVm vm) throws Exception {
        Map<String, String> captures = vm.await(Contract.builtIn("first-boot"));
        assertEquals("1", captures.get("boots"), "a fresh disk counts its first boot as boot 1");

        vm.await(Marker.GUEST_SHELL_READY, java.time.Duration.ofSeconds(30));
        vm.type("nx status");
        vm.await(Contract.parse("nx-status", """
                boot 1
                expect 30s "slot=a"
                expect 5s "version=1.0.0"
                expect 5s "boot_count=1"
                expect 5s "mode=normal"
                """));

        Path log = vm.serialLog();
        // The gate allows what the live await allowed: the same timeout scale.
        String scale = Double.toString(vm.config().scale().factor());
        assertEquals(0, check("first-boot", log, scale).status, "markers check passes on the saved log");

        // The same log with one marker removed must fail the gate, naming the missing marker.
        Path cut = log.resolveSibling("serial-without-bundlemgrd.log");
        String active = Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a");
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.endsWith("| " + active)).toList();
        Files.write(cut, lines, StandardCharsets.UTF_8);
        Result r = check("first-boot", cut, scale);
        assertEquals(1, r.status, r.stderr);
        assertTrue(r.stderr.contains(active), r.stderr);
    }

    private record Result(int status, String stderr) {}

    private static Result check(String contract, Path log, String scale) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = MarkersCheck.run(List.of("check", contract, log.toString(), "--scale", scale),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, err.toString(StandardCharsets.UTF_8));
    }
}
