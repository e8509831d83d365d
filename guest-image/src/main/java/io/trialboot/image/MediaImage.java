package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The update media: a raw ext4 file system (no partition table) whose root holds {@code updates/},
 * built without root by {@code mke2fs -d}, with a fixed UUID, hash seed and time like the state
 * partition, so the same tree gives the same image. The harness attaches it read-only as the second
 * virtio disk ({@code /dev/vdb}); the slot's init mounts it at {@code /media}. Hot-plugged as a USB
 * stick instead ({@link #USB_DEVICE}, MediaRemovalIT), it is mounted by hand.
 */
public final class MediaImage {
    static final String UUID = "7b3c1f0e-0000-4000-8000-0000000000e0";
    static final String LABEL = "trialboot-media";
    /** The media in the guest: its second virtio disk (the harness attaches it after the disk). */
    static final String GUEST_DEVICE = "/dev/vdb";
    /**
     * The media in the guest when the harness hot-plugs it as a USB stick (usb-storage on the xHCI
     * port): the guest's first SCSI disk, as the guest has no other.
     */
    public static final String USB_DEVICE = "/dev/sda";
    /**
     * Room for ext4's metadata beyond the files' own blocks: the journal (16 MiB below 1 GiB), inode
     * tables and bitmaps, directories. No blocks are reserved for root ({@code -m 0}): the media is
     * read-only in the guest.
     */
    static final long SLACK = 24 * DiskImage.MIB;

    private MediaImage() {}

    /** Builds {@code image} from the directory {@code root}; returns its size in bytes. */
    static long build(Path root, Path image, Consumer<String> log) {
        long size = size(payloadBytes(root));
        // mke2fs -d copies each file's mode and mtime, and stamps the other inode times with
        // SOURCE_DATE_EPOCH (else the current second): fixed for both, the image depends on the contents only.
        StableTree.normalize(root);
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tools.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-m", "0", "-L", LABEL, "-U", UUID,
                "-E", "hash_seed=" + UUID + ",root_owner=0:0", "-d", root.toString(), image.toString(),
                (size / 1024) + "k"), image.getParent(), Duration.ofMinutes(5),
                Ext4Times.FIXED_TIME, log);
        Ext4Times.pin(image, 0, root, log);
        return size;
    }

    /** The file system's size for {@code payload} bytes of files: 5 % + {@link #SLACK} more, whole MiB. */
    static long size(long payload) {
        if (payload < 0) {
            throw new IllegalArgumentException("payload bytes must be >= 0: " + payload);
        }
        long raw = payload + payload / 20 + SLACK;
        return (raw + DiskImage.MIB - 1) / DiskImage.MIB * DiskImage.MIB;
    }

    /** The bytes of every regular file under {@code root}, each rounded up to 4 KiB blocks. */
    static long payloadBytes(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            long total = 0;
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                total += (Files.size(p) + 4095) / 4096 * 4096;
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
