package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The read-only dm-verity mappings stage 0 makes of the slot it boots ({@code dmsetup create
 * slot-<a|b>}, docs/verified-boot.md), found the way the kernel lists them: a block device
 * {@code dm-N} under {@code /sys/block} whose {@code dm/name} is {@code slot-<x>} and whose one
 * underlying device ({@code slaves/}) is the slot's partition. Its length, in 512-byte sectors in
 * {@code size}, is the image's data: the mapping ends where the hash tree starts.
 *
 * @param sysBlock    {@code /sys/block}
 * @param mapper      {@code /dev/mapper}, where stage 0 makes the mapping's node
 * @param slotA    slot a's partition, {@code /dev/vda2}
 * @param slotB    slot b's partition, {@code /dev/vda3}
 */
public record VerityMappings(Path sysBlock, Path mapper, Path slotA, Path slotB) {
    /** How a slot's mapping is named: this and the slot's letter (stage 0 renders it into /init). */
    public static final String PREFIX = "slot-";

    /** The device-mapper name of {@code slot}'s mapping: {@code slot-a} or {@code slot-b}. */
    public static String name(Slot slot) {
        return PREFIX + slot.letter();
    }

    /** The node of {@code slot}'s mapping in {@link #mapper}: {@code /dev/mapper/slot-<x>} in the guest. */
    public Path node(Slot slot) {
        return mapper.resolve(name(slot));
    }

    /** The mapping of {@code slot}'s partition, opened read-only; empty when the slot is not mapped. */
    public Optional<BlockDevice> open(Slot slot) {
        String name = name(slot);
        Path partition = slot == Slot.A ? slotA : slotB;
        if (!Files.isDirectory(sysBlock)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> dms = Files.newDirectoryStream(sysBlock, "dm-*")) {
            for (Path dm : dms) {
                Path nameFile = dm.resolve("dm/name");
                if (Files.isRegularFile(nameFile) && read(nameFile).equals(name)
                        && Files.exists(dm.resolve("slaves").resolve(partition.getFileName().toString()))) {
                    long bytes = 512 * Long.parseLong(read(dm.resolve("size")));
                    return Optional.of(FileBlockDevice.open(node(slot), 0, bytes, false));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read the device-mapper list under " + sysBlock
                    + ": " + (e instanceof IOException io ? IoFailure.reason(io) : e.getMessage()), e);
        }
        return Optional.empty();
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
    }
}
