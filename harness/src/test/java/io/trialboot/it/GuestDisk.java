package io.trialboot.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The disk of a stopped guest, read and changed from the host through its qcow2 overlay
 * ({@code qemu-io}, {@code qemu-img dd}): where a slot starts (its GPT entry), single bytes, and
 * where a file's data lies inside a slot's squashfs ({@code rdsquashfs} of Debian's
 * squashfs-tools-ng, installed by scripts/bootstrap).
 */
final class GuestDisk {
    /** A file's first data block in a squashfs: its byte offset from the image's start and its stored size. */
    record Block(long start, int size) {}

    /** The GPT's entries start at LBA 2; slot a is the second partition, slot b the third. */
    private static final long GPT_ENTRIES = 1024;
    private static final int GPT_ENTRY = 128;
    /** The squashfs superblock's {@code bytes_used}: 8 bytes little-endian at offset 40. */
    private static final int SQUASHFS_BYTES_USED = 40;
    private static final int COPY_BLOCK = 1 << 20;
    private static final Pattern BLOCKS_START = Pattern.compile("(?m)^Blocks start: (\\d+)$");
    private static final Pattern FIRST_BLOCK = Pattern.compile("(?m)^\\s*Block #0 size: (\\d+) ");

    private final Path overlay;

    GuestDisk(Path overlay) {
        this.overlay = overlay;
    }

    /** The byte offset on the disk of slot {@code a} or {@code b}, from its GPT entry's first LBA. */
    long slotOffset(char slot) throws IOException, InterruptedException {
        int partition = slot == 'a' ? 1 : 2;
        return littleEndian(read(GPT_ENTRIES + (long) partition * GPT_ENTRY + 32, 8)) * 512;
    }

    /** Writes the inverse of the byte at {@code offset}; returns the byte it was. */
    int flip(long offset) throws IOException, InterruptedException {
        int original = read(offset, 1)[0] & 0xff;
        qemuIo("write -P " + (original ^ 0xff) + " " + offset + " 1");
        return original;
    }

    /**
     * The first data block of {@code file} in the squashfs of the slot at {@code slotOffset}: the
     * squashfs (its {@code bytes_used}) is copied out of the disk to {@code scratch} and read by
     * {@code rdsquashfs --stat}. A file kept whole in a fragment has no block of its own: an error.
     */
    Block firstDataBlock(long slotOffset, String file, Path scratch) throws IOException, InterruptedException {
        long used = littleEndian(read(slotOffset + SQUASHFS_BYTES_USED, 8));
        if (slotOffset % COPY_BLOCK != 0) {
            throw new IOException("slot at " + slotOffset + " is not MiB-aligned (sfdisk aligns partitions to 1 MiB)");
        }
        // qemu-img dd counts its count from the start of the input, the skipped blocks included
        long skip = slotOffset / COPY_BLOCK;
        run(List.of("qemu-img", "dd", "-f", "qcow2", "-O", "raw", "bs=" + COPY_BLOCK, "skip=" + skip,
                "count=" + (skip + (used + COPY_BLOCK - 1) / COPY_BLOCK), "if=" + overlay, "of=" + scratch));
        String stat = run(List.of("rdsquashfs", "--stat", file, scratch.toString()));
        Matcher start = BLOCKS_START.matcher(stat);
        Matcher size = FIRST_BLOCK.matcher(stat);
        if (!start.find() || !size.find()) {
            throw new IOException("rdsquashfs found no data block of " + file + " (in a fragment?):\n" + stat);
        }
        return new Block(Long.parseLong(start.group(1)), Integer.parseInt(size.group(1)));
    }

    /** {@code length} bytes of the disk at {@code offset}. */
    byte[] read(long offset, int length) throws IOException, InterruptedException {
        String out = qemuIo("read -v " + offset + " " + length);
        byte[] bytes = new byte[length];
        int n = 0;
        for (String line : out.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).matches("[0-9a-f]{8}")) {
                continue;
            }
            for (String hex : line.substring(colon + 1).trim().split("\\s+")) {
                if (n < length && hex.matches("[0-9a-f]{2}")) {
                    bytes[n++] = (byte) Integer.parseInt(hex, 16);
                }
            }
        }
        if (n != length) {
            throw new IOException("qemu-io read " + n + " of " + length + " bytes at " + offset + ":\n" + out);
        }
        return bytes;
    }

    static long littleEndian(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    private String qemuIo(String command) throws IOException, InterruptedException {
        return run(List.of("qemu-io", "-f", "qcow2", "-c", command, overlay.toString()));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (scripts/bootstrap installs it): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
