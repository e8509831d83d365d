package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * A container test where the container runner cannot run is skipped, never failed, and says why.
 * Surefire's JVM has no build script property (Failsafe sets it), so the runner is missing here.
 */
class ContainerSkipTest {
    @QemuTest(container = true)
    static class InContainer {
        @Test
        void boots(QemuVm vm) {
            throw new AssertionError("must not get a VM without a container runner");
        }
    }

    @Test
    void isAbortedWithTheReasonInsteadOfFailing() {
        Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(InContainer.class)).execute().testEvents();
        events.assertStatistics(s -> s.started(1).aborted(1).failed(0).succeeded(0));
        List<Event> aborted = events.aborted().list();
        String reason = aborted.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage();
        assertTrue(reason.startsWith("no container runner: "), reason);
        assertEquals(ContainerImage.get().skipReason(), reason.substring("no container runner: ".length()));
    }
}
