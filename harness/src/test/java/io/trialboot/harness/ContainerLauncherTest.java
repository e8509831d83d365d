package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLauncherTest {
    @TempDir
    Path dir;

    @Test
    void mountsEachDirectoryOnceAtItsOwnPathReadWriteWinning() {
        List<Bind> binds = ContainerLauncher.binds(
                List.of(Path.of("/img"), Path.of("/img/../img"), Path.of("/runs/t")),
                List.of(Path.of("/runs/t"), Path.of("/tmp/qmp")));
        assertEquals(3, binds.size(), binds.toString());
        assertEquals("/img", binds.get(0).getPath());
        assertEquals("/img", binds.get(0).getVolume().getPath());
        assertEquals(AccessMode.ro, binds.get(0).getAccessMode());
        assertEquals("/runs/t", binds.get(1).getPath());
        assertEquals(AccessMode.rw, binds.get(1).getAccessMode());
        assertEquals("/tmp/qmp", binds.get(2).getVolume().getPath());
    }

    /** A power cut finds QEMU among the host's processes by its exact arguments and SIGKILLs it. */
    @Test
    void findsQemuByItsArgumentsAndKillsIt() throws IOException, InterruptedException {
        // sleep under QEMU's name: the kernel reports the executable's own path, as for QEMU in a container.
        Path qemu = Files.copy(Path.of("/bin/sleep"), dir.resolve(ContainerLauncher.QEMU));
        String unique = "0.000" + ProcessHandle.current().pid();
        Process p = new ProcessBuilder(qemu.toString(), "30", unique).start();
        try {
            List<String> argv = List.of(ContainerLauncher.QEMU, "30", unique);
            Optional<ProcessHandle> found = ContainerLauncher.find(argv);
            assertEquals(Optional.of(p.pid()), found.map(ProcessHandle::pid));
            assertEquals(Optional.empty(), ContainerLauncher.find(List.of(ContainerLauncher.QEMU, "30", unique + "1")));
            assertTrue(found.get().destroyForcibly());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "128 + SIGKILL");
        } finally {
            p.destroyForcibly();
        }
    }
}
