package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code nx reboot} at the console resets the guest and the VM runs again: the harness runs QEMU with
 * {@code -no-reboot}, so the reset ends that QEMU and the harness boots a new one on the same overlay
 * (docs/testing.md, "Reboots are cold starts"). Boot 2 comes up on the same slot with the boot count
 * incremented (contract {@code reboot-cycle}): the boot-control file on the overlay survived the reset.
 * Boot-1 lines can never satisfy a boot-2 step.
 */
@QemuTest
class RebootCycleIT {
    @Test
    void nxRebootRunsTheVmAgainInANewQemuOnTheSameOverlayWithTheBootCountIncremented(QemuVm vm) throws Exception {
        Contract contract = Contract.builtIn("reboot-cycle");
        assertEquals(0, vm.relaunches(), "boot 1 runs in the QEMU the test started");
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx reboot");
        Map<String, String> captures = vm.await(contract);
        assertEquals("1", captures.get("boots"));
        assertEquals(2, vm.currentBoot());
        assertEquals(1, vm.relaunches(), "the guest's reset ended its QEMU and the harness booted one new QEMU on the same overlay");
        assertTrue(vm.isRunning(), "boot 2's QEMU runs");

        // Boot 1 alone, however complete, never satisfies the boot-2 steps.
        List<ConsoleLine> bootOne = vm.lines().stream().filter(l -> l.boot() == 1).toList();
        ContractMatcher matcher = new ContractMatcher(contract, 1.0);
        bootOne.forEach(matcher::offer);
        matcher.endOfInput();
        assertFalse(matcher.passed());
        String report = matcher.failure().orElseThrow().report();
        assertTrue(report.contains("(boot 2)"), report);
        // ... nor does boot 1 relabelled as boot 2: the boot count must have moved on.
        ContractMatcher relabelled = new ContractMatcher(contract, 1.0);
        bootOne.forEach(relabelled::offer);
        // shifted past boot 1's last line, however long boot 1 took on a loaded host
        Duration shift = bootOne.get(bootOne.size() - 1).at().plusSeconds(1);
        bootOne.forEach(l -> relabelled.offer(new ConsoleLine(l.at().plus(shift), 2, l.text())));
        relabelled.endOfInput();
        assertFalse(relabelled.passed(), "a replayed boot 1 has the same boot count");
    }
}
