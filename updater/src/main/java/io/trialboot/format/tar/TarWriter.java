package io.trialboot.format.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a deterministic ustar archive: entries sorted by name, regular files only, mode 0644,
 * uid/gid 0, empty owner names, mtime 0, ended by two zero blocks. The same entries always give
 * the same bytes.
 */
public final class TarWriter {
    /** What every header holds besides its name and size, as {@link TarReader} says when one differs. */
    static final String CANONICAL = "typeflag 0, mode 0000644, uid/gid 0, mtime 0, no owner names, no link name,"
            + " devmajor/minor 0, no prefix, NUL padding; numbers as zero-padded octal ending in NUL";

    private TarWriter() {}

    /** Names must obey {@link ArchivePath}; they are written in sorted order whatever the map's order. */
    public static byte[] write(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
            out.writeBytes(header(ArchivePath.check(e.getKey()), e.getValue().length));
            out.writeBytes(e.getValue());
            out.writeBytes(new byte[padding(e.getValue().length)]);
        }
        out.writeBytes(new byte[2 * Ustar.BLOCK]);
        return out.toByteArray();
    }

    static int padding(long size) {
        return (int) ((Ustar.BLOCK - size % Ustar.BLOCK) % Ustar.BLOCK);
    }

    static byte[] header(String name, long size) {
        byte[] h = new byte[Ustar.BLOCK];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, Ustar.NAME, n.length);
        Ustar.octal(h, Ustar.MODE, 8, Ustar.FILE_MODE);
        Ustar.octal(h, Ustar.UID, 8, 0);
        Ustar.octal(h, Ustar.GID, 8, 0);
        Ustar.octal(h, Ustar.SIZE, 12, size);
        Ustar.octal(h, Ustar.MTIME, 12, 0);
        h[Ustar.TYPE] = '0';
        System.arraycopy(Ustar.MAGIC_VERSION, 0, h, Ustar.MAGIC, Ustar.MAGIC_VERSION.length);
        Ustar.octal(h, Ustar.DEVMAJOR, 8, 0);
        Ustar.octal(h, Ustar.DEVMINOR, 8, 0);
        Ustar.octal(h, Ustar.CHECKSUM, 7, Ustar.checksum(h));
        h[Ustar.CHECKSUM + 7] = ' ';
        return h;
    }
}
