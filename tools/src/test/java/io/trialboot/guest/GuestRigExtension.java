package io.trialboot.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a {@link GuestRig} parameter (in a test method or its {@code @BeforeEach}): one
 * device per test, in a temporary directory of its own. The device lives in the test's
 * {@link ExtensionContext.Store}, which closes it after the test (as JUnit's own {@code TempDir}
 * does): its guest is stopped, its run directory and its temporary directory are deleted.
 */
final class GuestRigExtension implements ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(GuestRigExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GuestRig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Device.class, k -> Device.create(), Device.class).rig();
    }

    /** A rig and the directory it lives in; the store closes it. */
    private record Device(Path dir, GuestRig rig) implements AutoCloseable {
        static Device create() {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("guest-rig");
                return new Device(dir, new GuestRig(dir));
            } catch (Exception e) {
                if (dir != null) {
                    Bundlemgrd.deleteTree(dir);
                }
                throw new IllegalStateException("cannot set up the guest rig: " + e, e);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                rig.close();
            } finally {
                Bundlemgrd.deleteTree(dir);
            }
        }
    }
}
