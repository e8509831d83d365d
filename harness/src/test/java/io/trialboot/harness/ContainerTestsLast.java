package io.trialboot.harness;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The test classes in the order found, but those that run QEMU in a container
 * ({@link ContainerImageHeadStart#inContainer}) after all others: their image, built from the start
 * of the run, has the whole of the host QEMU tests to get ready. It orders the classes of one JVM's
 * run: with Failsafe's forks each JVM is handed one class at a time, in the pom's {@code runOrder}. The harness's
 * {@code junit-platform.properties} makes it the default class order.
 */
public final class ContainerTestsLast implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparing(d -> ContainerImageHeadStart.inContainer(d.getTestClass())));
    }
}
