package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The guest's GPT disk, built in a plain file without root or loop devices (SPEC §2.2):
 * {@code /dev/vda1} = {@code state} (ext4, filled with {@code mke2fs -d} at its offset),
 * {@code /dev/vda2} = {@code slot_a} (the factory squashfs image), {@code /dev/vda3} =
 * {@code slot_b} (empty). UUIDs and the ext4 hash seed are fixed so builds are reproducible.
 * Stage 0's {@code /init} gets each partition's device from {@link #device} (rendered at build
 * time); the guest services' slot devices ({@code GuestPaths.guest()}) are checked against it
 * (DiskImageTest).
 */
final class DiskImage {
    static final long MIB = 1024 * 1024;
    static final long SECTOR = 512;
    static final long FIRST = 1 * MIB;
    static final long STATE_SIZE = 64 * MIB;
    static final long SLOT_SIZE = 192 * MIB;
    static final long SIZE = FIRST + STATE_SIZE + 2 * SLOT_SIZE + MIB; // + room for the backup GPT
    private static final String LINUX_FS = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

    /** The partitions' GPT names. */
    static final String STATE = "state";
    static final String SLOT_A = "slot_a";
    static final String SLOT_B = "slot_b";
    /** The disk in the guest: its first virtio disk (the harness attaches it first), partition N at this + N. */
    static final String GUEST_DISK = "/dev/vda";

    record Partition(String name, long offset, long size, String uuid) {}

    static final List<Partition> PARTITIONS = List.of(
            new Partition(STATE, FIRST, STATE_SIZE, "7b3c1f0e-0000-4000-8000-000000000001"),
            new Partition(SLOT_A, FIRST + STATE_SIZE, SLOT_SIZE, "7b3c1f0e-0000-4000-8000-00000000000a"),
            new Partition(SLOT_B, FIRST + STATE_SIZE + SLOT_SIZE, SLOT_SIZE, "7b3c1f0e-0000-4000-8000-00000000000b"));

    private DiskImage() {}

    /** The guest's device of the partition named {@code name}: its place in {@link #PARTITIONS}, from 1. */
    static String device(String name) {
        for (int i = 0; i < PARTITIONS.size(); i++) {
            if (PARTITIONS.get(i).name().equals(name)) {
                return GUEST_DISK + (i + 1);
            }
        }
        throw new IllegalArgumentException("no partition " + name + " on the guest's disk: " + PARTITIONS);
    }

    static void build(Path disk, Path stateTree, Path slotA, Consumer<String> log) {
        long slotBytes = ReleaseMedia.size(slotA);
        if (slotBytes > SLOT_SIZE) {
            throw new ImageBuildException("slot image is " + slotBytes + " bytes, over the slot partition's " + SLOT_SIZE);
        }
        try {
            Files.deleteIfExists(disk);
            try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.position(SIZE - 1).write(ByteBuffer.wrap(new byte[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dir = disk.getParent();
        StringBuilder table = new StringBuilder("label: gpt\nlabel-id: 7b3c1f0e-0000-4000-8000-0000000000d0\nunit: sectors\n");
        for (Partition p : PARTITIONS) {
            table.append(String.format("start=%d, size=%d, type=%s, uuid=%s, name=%s%n",
                    p.offset() / SECTOR, p.size() / SECTOR, LINUX_FS, p.uuid(), p.name()));
        }
        Path script = dir.resolve("disk.sfdisk");
        try {
            Files.writeString(script, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tools.run(List.of("sh", "-c", "sfdisk --no-reread --no-tell-kernel -q \"$0\" < \"$1\"", disk.toString(), script.toString()),
                dir, Duration.ofMinutes(1), Map.of(), log);
        Partition state = PARTITIONS.get(0);
        StableTree.normalize(stateTree);
        Tools.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-L", "state",
                "-U", state.uuid(), "-E", "offset=" + state.offset() + ",hash_seed=" + state.uuid() + ",root_owner=0:0",
                "-d", stateTree.toString(), disk.toString(), (state.size() / 1024) + "k"),
                dir, Duration.ofMinutes(2), Ext4Times.FIXED_TIME, log);
        Ext4Times.pin(disk, state.offset(), stateTree, log);
        writeAt(disk, PARTITIONS.get(1).offset(), slotA);
    }

    private static void writeAt(Path disk, long offset, Path image) {
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            long done = 0;
            long size = in.size();
            while (done < size) {
                done += in.transferTo(done, size - done, out.position(offset + done));
            }
            out.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
