package io.trialboot.device;

import io.trialboot.core.Slot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Opens the block device behind each slot: partitions in the guest, files or windows on the host. */
@FunctionalInterface
public interface SlotDevices {
    BlockDevice open(Slot slot, boolean writable);

    /**
     * The slot's image data read through the dm-verity mapping stage 0 made of it, read-only (the
     * kernel checks every block it reads against the mapping's root hash); empty when the slot is
     * not mapped, and always on the host.
     */
    default Optional<BlockDevice> mapped(Slot slot) {
        return Optional.empty();
    }

    /** Whole devices or files, e.g. {@code a -> /dev/vda2, b -> /dev/vda3} in the guest. */
    static SlotDevices of(Map<Slot, Path> paths) {
        Map<Slot, Path> copy = Map.copyOf(paths);
        for (Slot s : Slot.values()) {
            Objects.requireNonNull(copy.get(s), "no device for slot " + s);
        }
        return (slot, writable) -> FileBlockDevice.openWhole(copy.get(slot), writable);
    }

    /** The guest's partitions ({@link #of}), with the mappings stage 0 made of them. */
    static SlotDevices withMappings(VerityMappings mappings) {
        SlotDevices raw = of(Map.of(Slot.A, mappings.slotA(), Slot.B, mappings.slotB()));
        return new SlotDevices() {
            @Override
            public BlockDevice open(Slot slot, boolean writable) {
                return raw.open(slot, writable);
            }

            @Override
            public Optional<BlockDevice> mapped(Slot slot) {
                return mappings.open(slot);
            }
        };
    }

    /** Windows of one disk image, as the GPT lays them out: slot -> {offset, length}. */
    static SlotDevices ofPartitions(Path disk, Map<Slot, long[]> windows) {
        Map<Slot, long[]> copy = Map.copyOf(windows);
        return (slot, writable) -> {
            long[] w = Objects.requireNonNull(copy.get(slot), "no partition for slot " + slot);
            return FileBlockDevice.open(disk, w[0], w[1], writable);
        };
    }
}
