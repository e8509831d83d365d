package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * QEMU inside a container of the second QEMU's local image ({@link ContainerImage}), started by
 * testcontainers and never pulled: one container per VM, running {@code sleep infinity}, with the
 * guest image's directories bind-mounted read-only and the run directory read-write, each at the
 * same path as outside, so the overlay's backing path and the QMP socket work unchanged. QEMU is
 * started under the harness's pty by {@code docker exec -it}; it runs as the caller's uid, so files
 * it writes in the run directory stay the caller's and a power cut can SIGKILL QEMU directly.
 */
final class ContainerLauncher implements QemuLauncher {
    /** The binary inside the image; a host {@code trialboot.qemu} does not apply in a container. */
    static final String QEMU = "qemu-system-riscv64";
    /** What QEMU in the container reports for {@code --version}, written into the run directory. */
    static final String VERSION_FILE = "qemu-version.txt";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

    private final GenericContainer<?> container;
    private final Thread stopOnExit;

    private ContainerLauncher(GenericContainer<?> container) {
        this.container = container;
        this.stopOnExit = new Thread(container::stop, "trialboot-container-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit); // no ryuk here: stop it ourselves if the JVM ends first
    }

    /**
     * Starts a container of {@code image} with {@code readOnly} and {@code readWrite} directories
     * mounted at their own paths, and writes its QEMU's version into {@code runDir}.
     */
    static ContainerLauncher start(String image, Collection<Path> readOnly, Collection<Path> readWrite, Path runDir) {
        List<Bind> binds = binds(readOnly, readWrite);
        String user = owner(runDir);
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(name -> false) // built locally by scripts/container-image; there is no registry
                .withCommand("sleep", "infinity")
                .withNetworkMode("none")
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withUser(user);
                    cmd.getHostConfig().withBinds(binds);
                });
        try {
            c.start();
        } catch (RuntimeException e) {
            throw new HarnessException(HarnessCode.QEMU_START_FAILED, "cannot start a container of " + image + ": " + e.getMessage(), e);
        }
        ContainerLauncher launcher = new ContainerLauncher(c);
        try {
            String version = launcher.version();
            Files.writeString(runDir.resolve(VERSION_FILE), image + "\n" + version + "\n", StandardCharsets.UTF_8);
            System.out.println("trialboot: " + runDir.getFileName() + ": " + version.lines().findFirst().orElse("?")
                    + " in container " + image);
        } catch (IOException | RuntimeException e) {
            launcher.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot write " + VERSION_FILE, io) : (RuntimeException) e;
        }
        return launcher;
    }

    /** One bind per distinct directory, each at its own path; read-write wins over read-only. */
    static List<Bind> binds(Collection<Path> readOnly, Collection<Path> readWrite) {
        Set<String> rw = new TreeSet<>();
        readWrite.forEach(p -> rw.add(p.toAbsolutePath().normalize().toString()));
        Set<String> ro = new TreeSet<>();
        readOnly.forEach(p -> ro.add(p.toAbsolutePath().normalize().toString()));
        ro.removeAll(rw);
        List<Bind> binds = new ArrayList<>();
        ro.forEach(p -> binds.add(new Bind(p, new Volume(p), AccessMode.ro)));
        rw.forEach(p -> binds.add(new Bind(p, new Volume(p), AccessMode.rw)));
        return binds;
    }

    private static String owner(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the owner of " + dir, e);
        }
    }

    private String version() {
        ExecResult r;
        try {
            r = container.execInContainer(QEMU, "--version");
        } catch (IOException e) {
            throw new HarnessException(HarnessCode.QEMU_START_FAILED, "cannot run " + QEMU + " --version in the container: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.INTERRUPTED, "interrupted while asking the container's QEMU for its version", e);
        }
        if (r.getExitCode() != 0) {
            throw new HarnessException(HarnessCode.QEMU_START_FAILED, QEMU + " --version in the container exited with "
                    + r.getExitCode() + ": " + r.getStderr().strip());
        }
        return r.getStdout().strip();
    }

    @Override
    public List<String> command(List<String> qemuArgv) {
        List<String> cmd = new ArrayList<>(List.of("docker", "exec", "-it", container.getContainerId(), QEMU));
        cmd.addAll(qemuArgv.subList(1, qemuArgv.size()));
        return cmd;
    }

    /**
     * SIGKILL straight to the QEMU process, found on this host by its command line (it runs with the
     * caller's uid): a {@code docker exec kill} would let the guest run on for the time that takes.
     * Where it cannot be found or signalled, {@code kill -KILL -1} inside the container, which holds
     * only QEMU besides its {@code sleep}.
     */
    @Override
    public void kill(Process console, List<String> qemuArgv) {
        Optional<ProcessHandle> qemu = find(qemuArgv);
        if (qemu.isPresent() && qemu.get().destroyForcibly()) return;
        Exec.run(List.of("docker", "exec", container.getContainerId(), "sh", "-c", "kill -KILL -1"), KILL_TIMEOUT);
    }

    /** The host process running QEMU with exactly these arguments (the overlay path in them is unique to a VM). */
    static Optional<ProcessHandle> find(List<String> qemuArgv) {
        List<String> args = qemuArgv.subList(1, qemuArgv.size());
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().map(c -> c.endsWith("/" + QEMU)).orElse(false))
                .filter(h -> h.info().arguments().map(a -> Arrays.asList(a).equals(args)).orElse(false))
                .findFirst();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops the container
            return;
        }
        container.stop();
    }
}
