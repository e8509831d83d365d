package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerImageTest {
    private static final Map<String, String> ENV = ContainerImage.REQUIRED_ENV;
    /** The real build script, from the harness module's directory (Surefire's working directory). */
    private static final Path SCRIPT = Path.of("../scripts/container-image").toAbsolutePath().normalize();
    private static final Function<String, String> NEVER_BUILD = s -> {
        throw new AssertionError("must not build");
    };

    @TempDir
    Path dir;

    private String script() throws IOException {
        Path s = Files.writeString(dir.resolve("container-image"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s.toString();
    }

    @Test
    void skipsWithoutBuildingWhenTestcontainersIsNotToldThereIsNoRegistry() throws IOException {
        ContainerImage i = ContainerImage.resolve(Map.of("TESTCONTAINERS_RYUK_DISABLED", "true"), script(), NEVER_BUILD, () -> true);
        assertEquals(Optional.empty(), i.tag());
        assertTrue(i.skipReason().startsWith("environment variable TESTCONTAINERS_CHECKS_DISABLE=true is not set"), i.skipReason());
    }

    @Test
    void skipsWhenTheScriptIsNotNamedOrNotExecutable() throws IOException {
        assertTrue(ContainerImage.resolve(ENV, null, NEVER_BUILD, () -> true).skipReason()
                .startsWith("system property trialboot.containerImageScript is not set"));
        Path plain = Files.writeString(dir.resolve("plain"), "");
        assertEquals(plain + " is not an executable file", ContainerImage.resolve(ENV, plain.toString(), NEVER_BUILD, () -> true).skipReason());
    }

    @Test
    void skipsWithTheBuildsOwnReasonWhenItFails() throws IOException {
        ContainerImage i = ContainerImage.resolve(ENV, script(), s -> {
            throw new HarnessException(HarnessCode.EXEC_FAILED, s + " exited with 1: container-image: no docker on PATH");
        }, () -> true);
        assertTrue(i.skipReason().startsWith("the image could not be built: EXEC_FAILED: "), i.skipReason());
        assertTrue(i.skipReason().endsWith("container-image: no docker on PATH"), i.skipReason());
    }

    @Test
    void skipsWhenTheBuildPrintsNoTagOrTestcontainersFindsNoEngine() throws IOException {
        String s = script();
        assertEquals(s + " printed no image tag: done", ContainerImage.resolve(ENV, s, x -> "done\n", () -> true).skipReason());
        assertTrue(ContainerImage.resolve(ENV, s, x -> "trialboot/qemu:trixie-0123\n", () -> false).skipReason()
                .startsWith("testcontainers finds no Docker engine"));
    }

    @Test
    void takesTheLastTagLineAmongTheBuildsProgress() throws IOException {
        AtomicBoolean built = new AtomicBoolean();
        ContainerImage i = ContainerImage.resolve(ENV, script(), x -> {
            built.set(true);
            return "container-image: building trialboot/qemu:trixie-0123 (mmdebstrap trixie)\ntrialboot/qemu:trixie-0123\n";
        }, () -> true);
        assertTrue(built.get());
        assertEquals(Optional.of("trialboot/qemu:trixie-0123"), i.tag());
        assertEquals("", i.skipReason());
    }

    @Test
    void holdsATagOrAReasonNeverBoth() {
        assertThrows(IllegalArgumentException.class, () -> new ContainerImage(Optional.of("t"), "why"));
        assertThrows(IllegalArgumentException.class, () -> new ContainerImage(Optional.empty(), ""));
    }

    @Test
    void theScriptSaysWhyWithoutDocker() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        HarnessException e = assertThrows(HarnessException.class, () -> runScript(empty.toString()));
        assertTrue(e.getMessage().endsWith("container-image: no docker on PATH (scripts/bootstrap installs docker.io)"), e.getMessage());
    }

    @Test
    void theScriptSaysWhyWhenTheEngineDoesNotAnswer() throws IOException {
        Path bin = fakeDocker("info) echo 'permission denied while trying to connect to the Docker daemon socket' >&2; exit 1 ;;");
        HarnessException e = assertThrows(HarnessException.class, () -> runScript(bin + ":/usr/bin:/bin"));
        assertTrue(e.getMessage().endsWith("container-image: the Docker engine does not answer: "
                + "permission denied while trying to connect to the Docker daemon socket"), e.getMessage());
    }

    @Test
    void theScriptPrintsTheCachedTagWithoutBuilding() throws IOException {
        Path bin = fakeDocker("info) exit 0 ;; image) [ \"$2\" = inspect ] && exit 0 ;;");
        String out = runScript(bin + ":/usr/bin:/bin").strip();
        assertTrue(out.matches("trialboot/qemu:trixie-[0-9a-f]{16}"), out);
    }

    @Test
    void aBuildWaitsWhileAnotherJvmsBuildHoldsTheLock() throws Exception {
        Path lock = dir.resolve("build.lock");
        Path done = dir.resolve("first-build-done");
        Path second = Files.writeString(dir.resolve("second-build"), "#!/bin/sh\nif [ -e " + done + " ]; then echo trialboot/qemu:trixie-0123; fi\n");
        Files.setPosixFilePermissions(second, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process first = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "sleep 1; touch " + done).start();
        while (new ProcessBuilder("flock", "-n", lock.toString(), "true").start().waitFor() == 0) {
            assertTrue(first.isAlive(), "the first build ended before it held the lock");
            Thread.sleep(20);
        }
        String out = Exec.run(ContainerImage.buildCommand(second.toString(), lock), Duration.ofSeconds(20));
        assertEquals("trialboot/qemu:trixie-0123", out.strip(), "the second build ran before the first one let go of the lock");
        assertEquals(0, first.waitFor());
    }

    /** A directory holding a {@code docker} that answers with the given case arms and fails otherwise. */
    private Path fakeDocker(String arms) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path docker = Files.writeString(bin.resolve("docker"), "#!/bin/sh\ncase \"$1\" in\n" + arms + "\nesac\nexit 9\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static String runScript(String path) {
        return Exec.run(List.of("/usr/bin/env", "PATH=" + path, "/bin/bash", SCRIPT.toString()), Duration.ofSeconds(20));
    }

}
