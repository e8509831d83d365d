package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which partitions a set of written ranges touches, by the disk's own GPT as sfdisk reads it. */
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
}
