package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed seeds are exactly what {@link SeedCorpus} makes. After a deliberate format change,
 * rewrite them with {@code mvn -pl tools -am test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}
 * (docs/testing.md#fuzzing); findings beside them are never touched.
 */
class SeedCorpusTest {
    /**
     * The seed directory in the sources of the module that holds {@code fuzzTest} (updater or
     * tools): in a reactor build its test classes are {@code <module>/target/test-classes} or
     * the test jar beside them.
     */
    static Path inputs(Class<?> fuzzTest, String method) {
        Path classes;
        try {
            classes = Path.of(fuzzTest.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path resources = classes.getParent().getParent().resolve(Path.of("src", "test", "resources"));
        assertTrue(Files.isDirectory(resources), fuzzTest + " is not loaded from a module of this tree: run with -am");
        return resources
                .resolve(fuzzTest.getPackageName().replace('.', '/'))
                .resolve(fuzzTest.getSimpleName() + "Inputs").resolve(method);
    }

    @Test
    void committedSeedsAreWhatTheWritersMake() throws IOException {
        boolean write = Boolean.getBoolean("fuzz.writeSeeds");
        for (SeedCorpus.Target t : SeedCorpus.all()) {
            Path dir = inputs(t.fuzzTest(), t.method());
            if (write) {
                rewrite(dir, t.seeds());
            }
            assertEquals(new TreeSet<>(t.seeds().keySet()), seedFiles(dir),
                    dir + ": seed files differ from SeedCorpus (rewrite with -Dfuzz.writeSeeds=true)");
            for (Map.Entry<String, byte[]> seed : t.seeds().entrySet()) {
                assertTrue(Arrays.equals(seed.getValue(), Files.readAllBytes(dir.resolve(seed.getKey()))),
                        dir.resolve(seed.getKey()) + " is stale (rewrite with -Dfuzz.writeSeeds=true)");
            }
        }
    }

    @Test
    void seedsStaySmall() throws IOException {
        for (SeedCorpus.Target t : SeedCorpus.all()) {
            t.seeds().forEach((name, bytes) -> assertTrue(bytes.length <= 8 * 1024,
                    t.fuzzTest().getSimpleName() + "/" + name + " is " + bytes.length + " bytes"));
        }
    }

    private static TreeSet<String> seedFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seed-"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static void rewrite(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (String old : seedFiles(dir)) {
            Files.delete(dir.resolve(old));
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
