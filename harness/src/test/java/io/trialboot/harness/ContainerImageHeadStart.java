package io.trialboot.harness;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts building the container image ({@link ContainerImage#start}) as a run begins when its plan
 * holds a container test, instead of when the first of them starts: a cold build (minutes on a
 * fresh machine: trixie's packages downloaded and unpacked) goes on while the host QEMU tests run,
 * and {@link ContainerTestsLast} runs the container tests after them. A run without container
 * tests builds nothing. In Failsafe's forks ({@code trialboot.itForks}, two by default) each JVM's
 * plan is the one class it was handed, so the build starts with the first container test handed to
 * a fork, and another fork waits for it ({@link ContainerImage#BUILD_LOCK}). Registered in the test class path's
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class ContainerImageHeadStart implements TestExecutionListener {
    private final Runnable start;

    public ContainerImageHeadStart() {
        this(ContainerImage::start);
    }

    ContainerImageHeadStart(Runnable start) {
        this.start = start;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        boolean container = plan.getRoots().stream().flatMap(root -> plan.getDescendants(root).stream())
                .map(TestIdentifier::getSource).flatMap(Optional::stream)
                .anyMatch(s -> s instanceof ClassSource c && inContainer(c.getJavaClass())
                        || s instanceof MethodSource m && inContainer(m.getJavaClass()));
        if (container) {
            start.run();
        }
    }

    /** Whether {@code testClass} or one of its methods asks for {@code @QemuTest(container = true)}. */
    static boolean inContainer(Class<?> testClass) {
        return Stream.concat(AnnotationSupport.findAnnotation(testClass, QemuTest.class).stream(),
                        ReflectionSupport.findMethods(testClass, m -> true, HierarchyTraversalMode.TOP_DOWN).stream()
                                .flatMap(m -> AnnotationSupport.findAnnotation(m, QemuTest.class).stream()))
                .anyMatch(QemuTest::container);
    }
}
