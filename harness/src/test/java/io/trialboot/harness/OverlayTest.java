package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An overlay reads its base in the base's own format: raw for the image's disk, qcow2 for a snapshot's copy. */
class OverlayTest {
    @TempDir
    Path dir;

    @Test
    void anOverlayOverASnapshotsQcow2CopyReadsItAsQcow2() throws IOException {
        assumeTrue(ExecTest.onPath("qemu-img"), "qemu-img is not installed (scripts/bootstrap installs qemu-utils)");
        Path base = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        Path first = Overlay.create("qemu-img", base, dir.resolve("overlay.qcow2"));
        Path copy = Files.copy(first, dir.resolve("disk.qcow2"));
        Path fork = Overlay.create("qemu-img", copy, dir.resolve("fork.qcow2"));
        String chain = Exec.run(List.of("qemu-img", "info", "--backing-chain", fork.toString()), Duration.ofSeconds(30));
        assertTrue(chain.contains("backing file format: qcow2"), chain);
        assertTrue(chain.contains("backing file format: raw"), chain);
        assertTrue(chain.contains("virtual size: 1 MiB"), chain);
    }
}
