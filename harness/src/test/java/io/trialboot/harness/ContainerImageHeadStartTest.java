package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The container image is started as a run begins only when the run holds a container test, and
 * the container tests run after the others, in the order found otherwise.
 */
class ContainerImageHeadStartTest {
    static class OnTheHost {
        @Test
        void runs() {}
    }

    @QemuTest(container = true)
    static class InContainer {
        @Test
        void runs() {}
    }

    static class OneMethodInContainer {
        @Test
        void onTheHost() {}

        @QemuTest(container = true)
        @Test
        void inContainer() {}
    }

    static class AlsoOnTheHost {
        @Test
        void runs() {}
    }

    @Test
    void tellsContainerTestsByTheirClassOrAMethod() {
        assertTrue(ContainerImageHeadStart.inContainer(InContainer.class));
        assertTrue(ContainerImageHeadStart.inContainer(OneMethodInContainer.class));
        assertFalse(ContainerImageHeadStart.inContainer(OnTheHost.class));
    }

    @Test
    void startsTheImageOnlyForAPlanWithAContainerTest() {
        AtomicInteger starts = new AtomicInteger();
        ContainerImageHeadStart headStart = new ContainerImageHeadStart(starts::incrementAndGet);
        headStart.testPlanExecutionStarted(plan(OnTheHost.class, AlsoOnTheHost.class));
        assertEquals(0, starts.get(), "no container test: nothing built");
        headStart.testPlanExecutionStarted(plan(OnTheHost.class, OneMethodInContainer.class));
        assertEquals(1, starts.get());
        headStart.testPlanExecutionStarted(plan(InContainer.class));
        assertEquals(2, starts.get());
    }

    @Test
    void runsContainerTestsLastAndTheOthersInTheOrderFound() {
        List<String> order = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.testclass.order.default", ContainerTestsLast.class.getName())
                .selectors(selectClass(InContainer.class), selectClass(OnTheHost.class),
                        selectClass(OneMethodInContainer.class), selectClass(AlsoOnTheHost.class))
                .execute().containerEvents().started().list().stream()
                .map(e -> e.getTestDescriptor().getSource())
                .flatMap(Optional::stream)
                .filter(ClassSource.class::isInstance)
                .map(s -> ((ClassSource) s).getJavaClass().getSimpleName())
                .toList();
        assertEquals(List.of("OnTheHost", "AlsoOnTheHost", "InContainer", "OneMethodInContainer"), order);
    }

    private static TestPlan plan(Class<?>... classes) {
        return LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList()).build());
    }
}
