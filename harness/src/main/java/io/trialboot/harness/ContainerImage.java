package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * The local image of the second QEMU ({@code trialboot/qemu:trixie-<digest>}, built by
 * {@code scripts/container-image}), or why there is none: no docker, an engine that does not
 * answer, no permission, testcontainers not told that there is no registry, or a build that failed.
 * Looked up once per JVM, on a thread of its own ({@link #start}): a run with container tests starts it
 * with the run ({@link ContainerImageHeadStart}, in the ITs' class path), so a cold build (mostly
 * downloads and unpacking, at the lowest CPU priority) goes on while the host QEMU tests run;
 * container tests are skipped with {@link #skipReason()} when it is set.
 *
 * @param tag         the image, when there is one
 * @param skipReason  why there is none (empty when there is)
 */
record ContainerImage(Optional<String> tag, String skipReason) {
    /** System property naming {@code scripts/container-image} (failsafe sets it). */
    static final String SCRIPT_PROPERTY = "trialboot.containerImageScript";
    /** Without these testcontainers spends minutes retrying pulls of ryuk and alpine, which no registry serves here. */
    static final Map<String, String> REQUIRED_ENV = Map.of(
            "TESTCONTAINERS_RYUK_DISABLED", "true",
            "TESTCONTAINERS_CHECKS_DISABLE", "true");
    /** The tag line scripts/container-image prints last on stdout (its progress goes to stderr). */
    private static final Pattern TAG = Pattern.compile("trialboot/qemu:[A-Za-z0-9._-]+");
    /** A cold build downloads about 400 MB of trixie packages (136 s measured here). */
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    /** The build runs at the lowest CPU priority: beside it, the host QEMU tests keep the CPU they had. */
    static final List<String> NICE = List.of("nice", "-n", "19");
    /**
     * Held (util-linux {@code flock}) while the script runs: with two Failsafe JVMs
     * ({@code trialboot.itForks}), the second waits for the first one's build and then finds its tag,
     * instead of building the same image beside it.
     */
    static final Path BUILD_LOCK = Path.of(System.getProperty("java.io.tmpdir"), "trialboot-container-image.lock");

    private static CompletableFuture<ContainerImage> resolving;

    ContainerImage {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(skipReason, "skipReason");
        if (tag.isPresent() == !skipReason.isEmpty()) {
            throw new IllegalArgumentException("exactly one of tag and skipReason: " + tag + ", '" + skipReason + "'");
        }
    }

    static ContainerImage of(String tag) {
        return new ContainerImage(Optional.of(tag), "");
    }

    static ContainerImage skipped(String reason) {
        return new ContainerImage(Optional.empty(), reason);
    }

    /**
     * The image for this JVM, built on first use (seconds when scripts/container-image finds it
     * cached): waits for the lookup {@link #start} began, or begins it.
     */
    static ContainerImage get() {
        try {
            return start().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Begins this JVM's lookup on a daemon thread of its own, once; later calls return the same. */
    static synchronized CompletableFuture<ContainerImage> start() {
        if (resolving == null) {
            resolving = new CompletableFuture<>();
            Thread lookup = new Thread(() -> {
                try {
                    ContainerImage resolved = resolve(System.getenv(), System.getProperty(SCRIPT_PROPERTY),
                            script -> Exec.run(buildCommand(script, BUILD_LOCK), BUILD_TIMEOUT),
                            () -> DockerClientFactory.instance().isDockerAvailable());
                    System.out.println("trialboot: container image: "
                            + resolved.tag().orElse("none, container tests are skipped: " + resolved.skipReason()));
                    resolving.complete(resolved);
                } catch (RuntimeException | Error e) {
                    resolving.completeExceptionally(e);
                }
            }, "trialboot-container-image");
            lookup.setDaemon(true);
            lookup.start();
        }
        return resolving;
    }

    /** How {@code script} is run: one build at a time on this host ({@code lock}), at the lowest CPU priority. */
    static List<String> buildCommand(String script, Path lock) {
        return Stream.of(Stream.of("flock", lock.toString()), NICE.stream(), Stream.of(script)).flatMap(s -> s).toList();
    }

    /**
     * Decides with injected edges: {@code env} (the testcontainers settings), {@code script} (the
     * build script's path), {@code build} (runs it, returns its output, throws {@link HarnessException}
     * when it fails) and {@code engine} (whether testcontainers reaches a Docker engine).
     */
    static ContainerImage resolve(Map<String, String> env, String script, Function<String, String> build, BooleanSupplier engine) {
        for (Map.Entry<String, String> e : REQUIRED_ENV.entrySet()) {
            if (!e.getValue().equalsIgnoreCase(env.getOrDefault(e.getKey(), ""))) {
                return skipped("environment variable " + e.getKey() + "=" + e.getValue() + " is not set (failsafe sets it; "
                        + "without it testcontainers retries registry pulls for minutes)");
            }
        }
        if (script == null || script.isBlank()) {
            return skipped("system property " + SCRIPT_PROPERTY + " is not set (failsafe sets it to scripts/container-image)");
        }
        if (!Files.isExecutable(Path.of(script))) {
            return skipped(script + " is not an executable file");
        }
        String output;
        try {
            output = build.apply(script);
        } catch (HarnessException e) {
            return skipped("the image could not be built: " + e.getMessage());
        }
        Optional<String> tag = output.lines().map(String::strip).filter(l -> TAG.matcher(l).matches()).reduce((a, b) -> b);
        if (tag.isEmpty()) {
            return skipped(script + " printed no image tag: " + output.strip());
        }
        if (!engine.getAsBoolean()) {
            return skipped("testcontainers finds no Docker engine (DOCKER_HOST, or the permissions of /var/run/docker.sock)");
        }
        return of(tag.get());
    }
}
