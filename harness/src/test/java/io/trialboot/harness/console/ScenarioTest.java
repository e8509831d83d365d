package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scenarios' steps wait for contract fragments parsed at run time: each parses, and names the catalog's markers. */
class ScenarioTest {

    @Test
    void everyStepOfTheRollbackScenarioParsesAndNamesMarkersNotQuotedLines() {
        Scenario rollback = Scenario.named("rollback");
        assertNotNull(rollback);
        for (Scenario.Step step : rollback.steps()) {
            if (step.until() != null) {
                assertDoesNotThrow(() -> Contract.parse("rollback-step", step.until()), step.say());
                assertFalse(step.until().contains("\""), "a quoted line instead of a catalog marker in: " + step.until());
            }
        }
    }

    @Test
    void theSelfcheckStepWaitsForUpdatedsAuditOfAnOkSelfcheck() {
        Scenario.Step step = Scenario.named("rollback").steps().stream()
                .filter(s -> "nx selfcheck".equals(s.type())).findFirst().orElseThrow();
        Contract c = Contract.parse("rollback-step", step.until());
        assertTrue(c.steps().get(0).pattern().occursIn(Marker.UPDATED_AUDIT.line("Selfcheck", "HOST_OK"), Map.of()));
        assertFalse(c.steps().get(0).pattern().occursIn(Marker.UPDATED_AUDIT.line("Selfcheck", "HOST_IO_ERROR"), Map.of()));
    }
}
