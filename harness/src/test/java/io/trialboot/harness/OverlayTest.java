package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overlay reads its base in the base's own format: raw for the image's disk, qcow2 for a
 * snapshot's copy; and it tells which bytes were written through it.
 */
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

    @Test
    void theOverlaysOwnRangesAreWhatWasWrittenThroughItNotItsBackingChain() throws IOException {
        assumeTrue(ExecTest.onPath("qemu-img") && ExecTest.onPath("qemu-io"),
                "qemu-img or qemu-io is not installed (scripts/bootstrap installs qemu-utils)");
        Path base = Files.write(dir.resolve("disk.img"), new byte[4 << 20]);
        Path first = Overlay.create("qemu-img", base, dir.resolve("overlay.qcow2"));
        Exec.run(List.of("qemu-io", "-f", "qcow2", "-c", "write -P 7 1M 64k", first.toString()), Duration.ofSeconds(30));
        Path copy = Files.copy(first, dir.resolve("disk.qcow2"));
        Path fork = Overlay.create("qemu-img", copy, dir.resolve("fork.qcow2"));
        assertEquals(List.of(), Overlay.ownRanges("qemu-img", fork), "a fresh fork holds nothing of its own");
        Exec.run(List.of("qemu-io", "-f", "qcow2", "-c", "write -P 9 3M 4k", fork.toString()), Duration.ofSeconds(30));
        List<Overlay.Range> own = Overlay.ownRanges("qemu-img", fork);
        assertEquals(1, own.size(), own.toString());
        assertTrue(own.get(0).overlaps(3 << 20, 4096) && !own.get(0).overlaps(1 << 20, 64 << 10), own.toString());
    }

    @Test
    void onlyDepthZeroEntriesOfTheMapAreTheOverlaysOwn() {
        String map = "[{ \"start\": 0, \"length\": 65536, \"depth\": 1, \"present\": true, \"zero\": false, \"data\": true},\n"
                + "{ \"start\": 65536, \"length\": 131072, \"depth\": 0, \"present\": true, \"zero\": true, \"data\": false},\n"
                + "{ \"start\": 196608, \"length\": 65536, \"depth\": 2, \"present\": false, \"zero\": true, \"data\": false}]";
        assertEquals(List.of(new Overlay.Range(65536, 131072)), Overlay.ownRanges(map));
    }
}
