package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KernelCmdlineTest {
    @Test
    void readsTheSelftestAndHealthTimeoutAmongOtherOptions() {
        KernelCmdline c = KernelCmdline.parse("console=ttyS0 quiet no5lvl trialboot.selftest=ota trialboot.health_timeout_s=30\n");
        assertEquals(Optional.of("ota"), c.selftest());
        assertEquals(Optional.of(Duration.ofSeconds(30)), c.healthTimeout());
    }

    @Test
    void absentOptionsAndAnAbsentFileMeanNone() {
        assertEquals(Optional.empty(), KernelCmdline.parse("console=ttyS0").selftest());
        assertEquals(Optional.empty(), KernelCmdline.read(Path.of("/nonexistent/cmdline")).healthTimeout());
    }

    @Test
    void unknownSelftestAndBadTimeoutsAreMalformed() {
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> KernelCmdline.parse("trialboot.selftest=everything").selftest());
        assertEquals(Code.MALFORMED_INPUT, e.code());
        for (String bad : new String[] {"0", "-1", "30s", "3601", "099"}) {
            assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class,
                    () -> KernelCmdline.parse("trialboot.health_timeout_s=" + bad).healthTimeout()).code(), bad);
        }
    }
}
