package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The container runner keeps fault injection intact: an armed power cut SIGKILLs QEMU inside the
 * container (exit code 137, as on the host), and a restart boots the same overlay again in the same
 * container, the state partition having kept the boot count.
 */
@QemuTest(container = true)
class PowerCutContainerIT {
    @Test
    void aPowerCutKillsQemuInTheContainerAndTheOverlayBootsAgain(QemuVm vm) {
        vm.power().cutAfter(Marker.STAGE0_BOOT, "a", "normal", "*", "1");
        AssertionError cut = assertThrows(AssertionError.class, () -> vm.await(Contract.builtIn("first-boot")));
        assertTrue(cut.getMessage().contains("QEMU exited with code 137 (killed by the armed power cut)"), cut.getMessage());
        assertEquals(OptionalInt.of(137), vm.exitCode());

        vm.restart();
        vm.await(Contract.parse("after-cut", """
                boot 2
                expect 90s STAGE0_BOOT a normal * 2
                expect 60s BOOTCTLD_READY
                """));
    }
}
