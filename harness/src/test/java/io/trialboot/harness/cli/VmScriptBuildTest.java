package io.trialboot.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/vm builds before it boots only when it must: nothing built, --rebuild, or a source the
 * image or the harness is made from changed after they were built (the line before the build names
 * the file); an image named with --image is booted as it is. The real script in a temporary tree,
 * Maven and java replaced by stubs that record their calls.
 */
class VmScriptBuildTest {
    private static final String PROPS = "guest-image/target/image/guest.properties";
    private static final String JAR = "harness/target/harness-0.1.0-SNAPSHOT.jar";
    private static final String SOURCE = "updater/src/main/java/io/trialboot/guest/NxConsole.java";

    @TempDir
    Path dir;

    @Test
    void anImageNewerThanEverySourceBootsWithoutABuild() throws Exception {
        tree();
        Run r = run();
        assertEquals(0, r.code, r.toString());
        assertEquals("java", r.tools(), r.toString());
        assertTrue(r.calls.contains("--built-image " + dir.resolve("tree").resolve(PROPS) + " --runs "), r.toString());
    }

    @Test
    void aSourceChangedAfterTheImageWasBuiltBuildsFirstAndSaysWhich() throws Exception {
        tree();
        Files.setLastModifiedTime(dir.resolve("tree").resolve(SOURCE), FileTime.from(Instant.now().plusSeconds(3600)));
        Run r = run();
        assertEquals("mvn java", r.tools(), r.toString());
        assertTrue(r.out.startsWith("vm: building the guest image and the harness: " + SOURCE + " changed after the guest image was built ("),
                r.toString());
    }

    @Test
    void aHarnessSourceChangedAfterItsJarBuildsFirst() throws Exception {
        tree();
        Path main = dir.resolve("tree/harness/src/main/java/Some.java");
        Files.setLastModifiedTime(main, FileTime.from(Instant.now().plusSeconds(3600)));
        Run r = run("--image", "other/guest.properties");
        assertEquals("mvn java", r.tools(), r.toString());
        assertTrue(r.out.startsWith("vm: building the guest image and the harness: harness/src/main/java/Some.java changed after the"
                + " harness was built"), r.toString());
    }

    @Test
    void aNamedImageIsBootedAsItIsAndPassedOn() throws Exception {
        tree();
        Files.setLastModifiedTime(dir.resolve("tree").resolve(SOURCE), FileTime.from(Instant.now().plusSeconds(3600)));
        Run r = run("--image", "other/guest.properties", "--resume");
        assertEquals("java", r.tools(), r.toString());
        assertTrue(r.calls.contains("--image other/guest.properties --runs ") && r.calls.contains(" --resume"), r.toString());
    }

    @Test
    void missingImageOrRebuildBuilds() throws Exception {
        tree();
        assertEquals("mvn java", run("--rebuild").tools());
        Files.delete(dir.resolve("tree").resolve(PROPS));
        Run r = run();
        assertEquals("mvn java", r.tools(), r.toString());
        assertTrue(r.out.startsWith("vm: building the guest image and the harness: the guest image is not built yet"), r.toString());
    }

    /** A tree with the script, sources older than the built image and jar. */
    private void tree() throws IOException {
        Path tree = dir.resolve("tree");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        for (String f : List.of(SOURCE, "markers/src/main/java/M.java", "tools/src/main/java/T.java", "guest-image/src/main/stage0/init",
                "harness/src/main/java/Some.java", "pom.xml", "markers/pom.xml", "updater/pom.xml", "tools/pom.xml", "guest-image/pom.xml",
                "harness/pom.xml")) {
            Path p = tree.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
            Files.setLastModifiedTime(p, old);
        }
        Files.createDirectories(tree.resolve("scripts"));
        Files.copy(Path.of("..", "scripts", "vm"), tree.resolve("scripts/vm"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String f : List.of(PROPS, JAR)) {
            Files.createDirectories(tree.resolve(f).getParent());
            Files.writeString(tree.resolve(f), f);
        }
    }

    private Run run(String... args) throws Exception {
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path calls = dir.resolve("calls.log");
        Files.deleteIfExists(calls);
        for (String tool : List.of("mvn", "java")) {
            Path stub = Files.writeString(stubs.resolve(tool), "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\n");
            assertTrue(stub.toFile().setExecutable(true));
        }
        List<String> argv = new ArrayList<>(List.of(dir.resolve("tree/scripts/vm").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("PATH", stubs + ":" + pb.environment().get("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "scripts/vm still runs after 30 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8), Files.exists(calls) ? Files.readString(calls) : "");
    }

    private record Run(int code, String out, String err, String calls) {
        /** The tools called, in order. */
        String tools() {
            return String.join(" ", calls.lines().map(l -> l.split(" ")[0]).toList());
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err + "--- calls:\n" + calls;
        }
    }
}
