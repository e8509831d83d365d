package io.trialboot.image;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Skips the class when host busybox or openssl is missing (saying so), and gives each test a
 * {@link Stage0Chain} parameter: a fresh chain in a directory of its own, deleted after the test
 * (the tool links inside point outside it; deleting a link never follows it).
 */
final class Stage0ChainExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Stage0ChainExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        boolean present = Files.isExecutable(Stage0Chain.BUSYBOX) && Files.isExecutable(Stage0Chain.OPENSSL);
        if (!present) {
            System.out.println("skipping stage-0 verifier tests: " + Stage0Chain.BUSYBOX + " or " + Stage0Chain.OPENSSL
                    + " is missing (apt-get install busybox openssl)");
        }
        assumeTrue(present, "host busybox or openssl missing");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Stage0Chain.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Dir.class, k -> Dir.create(), Dir.class).chain();
    }

    /** The chain's directory; the store closes it after the test (as JUnit's own TempDir), deleting it. */
    private record Dir(Path path, Stage0Chain chain) implements AutoCloseable {
        static Dir create() {
            Path path = null;
            try {
                path = Files.createTempDirectory("stage0-chain");
                return new Dir(path, Stage0Chain.create(path));
            } catch (IOException e) {
                if (path != null) {
                    delete(path);
                }
                throw new IllegalStateException("cannot set up the stage-0 chain: " + e, e);
            }
        }

        @Override
        public void close() {
            delete(path);
        }

        private static void delete(Path tree) {
            try (Stream<Path> s = Files.walk(tree)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + tree, e);
            }
        }
    }
}
