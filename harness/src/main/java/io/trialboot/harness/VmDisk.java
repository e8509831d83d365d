package io.trialboot.harness;

import java.util.Set;

/**
 * The guest's disk as a test looks at it ({@link QemuVm#disk()}): which partitions the guest wrote,
 * and whether a partition holds the very bytes it holds in a saved state. Read on the host from the
 * VM's overlay and the cached states' disks ({@link DiskWrites}); the guest runs no command for it.
 */
public final class VmDisk {
    private final DiskWrites writes;
    private final Snapshots snapshots;

    VmDisk(DiskWrites writes, Snapshots snapshots) {
        this.writes = writes;
        this.snapshots = snapshots;
    }

    /**
     * Names of the disk's GPT partitions ({@code state}, {@code slot_a}, {@code slot_b}) the guest has
     * written a byte of since this VM's overlay was made: by its start, a restore or
     * {@link QemuVm#restartFromFactory()} (a power cut and {@link QemuVm#restart()} keep the overlay). A
     * running guest is paused for the look (QMP {@code stop}, which flushes QEMU's caches to the overlay).
     */
    public Set<String> partitionsWritten() {
        return writes.since();
    }

    /** Whether partition {@code name} now holds the very bytes it has in {@code recipe}'s cached snapshot (false: none cached). */
    public boolean partitionAsIn(SnapshotRecipe recipe, String name) {
        return snapshots.cachedDisk(recipe).map(d -> writes.sha256In(d, name).equals(writes.sha256Now(name))).orElse(false);
    }
}
