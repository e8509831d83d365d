package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A contract whose marker never comes fails within that step's timeout, and the report names it. The
 * step's 1 s is any bound: the line never comes, however long the wait.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class MissingMarkerIT {
    @Test
    void aMarkerThatNeverComesFailsWithinItsStepTimeoutNamingIt(QemuVm vm) {
        Contract never = Contract.parse("never", """
                boot 1
                expect 1s UPDATE_MANIFEST_OK 9.9.9 nobody
                """);
        Instant start = Instant.now();
        AssertionError e = assertThrows(AssertionError.class, () -> vm.await(never));
        Duration waited = Duration.between(start, Instant.now());
        String message = e.getMessage();
        assertTrue(message.contains("'" + Marker.UPDATE_MANIFEST_OK.line("9.9.9", "nobody") + "'"), message);
        assertTrue(message.contains("not seen within"), message);
        assertTrue(message.contains("serial.log"), message);
        double limit = vm.config().scale().factor() + 10; // the step's 1 s, scaled, and 10 s for the await around it
        assertTrue(waited.toSeconds() <= limit, "failed after " + waited + ", not within its step timeout");
    }
}
