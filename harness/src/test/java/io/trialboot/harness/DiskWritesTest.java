package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which partitions a set of written ranges touches, by the disk's own GPT as sfdisk reads it; and a
 * partition's digest read out of a qcow2 image with the host's qemu-img.
 */
class DiskWritesTest {
    private static final String SFDISK = """
            {"partitiontable": {"label": "gpt", "unit": "sectors", "sectorsize": 512, "partitions": [
              {"node": "disk.img1", "start": 2048, "size": 131072, "name": "state"},
              {"node": "disk.img2", "start": 133120, "size": 393216, "name": "slot_a"},
              {"node": "disk.img3", "start": 526336, "size": 393216, "name": "slot_b"}]}}
            """;
    private static final long SLOT_A = 133120L * 512;
    private static final long SLOT_B = 526336L * 512;

    @Test
    void theTableIsInBytes() {
        assertEquals(List.of(new DiskWrites.Partition("state", 1 << 20, 64L << 20),
                new DiskWrites.Partition("slot_a", SLOT_A, 192L << 20),
                new DiskWrites.Partition("slot_b", SLOT_B, 192L << 20)), DiskWrites.table(SFDISK));
    }

    @Test
    void aRangeCountsForEveryPartitionItTouchesEvenByOneByte() {
        List<DiskWrites.Partition> t = DiskWrites.table(SFDISK);
        assertEquals(Set.of(), DiskWrites.written(t, List.of(new Overlay.Range(0, 1 << 20))), "the GPT header is no partition");
        assertEquals(Set.of("state"), DiskWrites.written(t, List.of(new Overlay.Range(5 << 20, 65536))));
        assertEquals(Set.of("slot_a"), DiskWrites.written(t, List.of(new Overlay.Range(SLOT_B - 1, 1))), "slot a's last byte");
        assertEquals(Set.of("slot_b"), DiskWrites.written(t, List.of(new Overlay.Range(SLOT_B, 1))), "slot b's first byte");
        assertEquals(Set.of("state", "slot_a", "slot_b"), DiskWrites.written(t, List.of(new Overlay.Range(0, SLOT_B + 1))));
    }

    @Test
    void aTableWithoutPartitionsIsAnError() {
        assertThrows(IllegalStateException.class, () -> DiskWrites.table("{\"partitiontable\": {\"partitions\": []}}"));
    }

    @Test
    void aPartitionsDigestIsOfItsBytesAloneReadThroughTheQcow2(@TempDir Path dir) throws Exception {
        byte[] disk = new byte[3 << 20];
        Arrays.fill(disk, (byte) 7);
        for (int i = 1 << 20; i < 2 << 20; i++) disk[i] = (byte) i;
        DiskWrites.Partition p = new DiskWrites.Partition("slot_a", 1 << 20, 1 << 20);
        String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(disk, 1 << 20, 2 << 20)));
        Path image = qcow2(dir, "a,b.qcow2", disk); // a comma in the path: QEMU's option syntax doubles it

        assertEquals(want, DiskWrites.sha256("qemu-img", image, p, dir));
        disk[(2 << 20) - 1] ^= 1;
        assertNotEquals(want, DiskWrites.sha256("qemu-img", qcow2(dir, "changed.qcow2", disk), p, dir), "the partition's last byte counts");
        disk[(2 << 20) - 1] ^= 1;
        disk[(1 << 20) - 1] ^= 1;
        assertEquals(want, DiskWrites.sha256("qemu-img", qcow2(dir, "outside.qcow2", disk), p, dir), "a byte before it does not");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("disk.img", "a,b.qcow2", "changed.qcow2", "outside.qcow2"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()), "the raw copies are deleted");
        }
    }

    private static Path qcow2(Path dir, String name, byte[] bytes) throws Exception {
        Path raw = Files.write(dir.resolve("disk.img"), bytes);
        Path out = dir.resolve(name);
        Exec.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), out.toString()), Duration.ofSeconds(60));
        return out;
    }
}
