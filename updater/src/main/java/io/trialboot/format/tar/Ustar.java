package io.trialboot.format.tar;

import java.nio.charset.StandardCharsets;

/** The POSIX ustar header layout shared by {@link TarWriter} and {@link TarReader}. */
final class Ustar {
    private Ustar() {}

    static final int BLOCK = 512;
    static final int NAME = 0;
    static final int MODE = 100;
    static final int UID = 108;
    static final int GID = 116;
    static final int SIZE = 124;
    static final int MTIME = 136;
    static final int CHECKSUM = 148;
    static final int TYPE = 156;
    static final int LINKNAME = 157;
    static final int MAGIC = 257;
    static final int DEVMAJOR = 329;
    static final int DEVMINOR = 337;
    static final int PREFIX = 345;
    private static final int[] FIELD_STARTS = {NAME, MODE, UID, GID, SIZE, MTIME, CHECKSUM, TYPE, LINKNAME, MAGIC,
        263, 265, 297, DEVMAJOR, DEVMINOR, PREFIX, 500};
    private static final String[] FIELD_NAMES = {"name", "mode", "uid", "gid", "size", "mtime", "chksum", "typeflag",
        "linkname", "magic", "version", "uname", "gname", "devmajor", "devminor", "prefix", "padding"};
    static final byte[] MAGIC_VERSION = "ustar\00000".getBytes(StandardCharsets.US_ASCII);
    /** Every entry trialboot writes: a regular file, mode 0644, owner 0:0, mtime 0. */
    static final int FILE_MODE = 0644;

    /** The name of the header field that holds byte {@code offset}. */
    static String fieldAt(int offset) {
        int i = FIELD_STARTS.length - 1;
        while (FIELD_STARTS[i] > offset) {
            i--;
        }
        return FIELD_NAMES[i];
    }

    static long checksum(byte[] header) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= CHECKSUM && i < CHECKSUM + 8) ? ' ' : (header[i] & 0xff);
        }
        return sum;
    }

    /** Writes {@code value} as {@code width-1} octal digits and a NUL. */
    static void octal(byte[] header, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        int pad = width - 1 - digits.length();
        if (pad < 0) {
            throw new IllegalArgumentException("value " + value + " does not fit " + width + " bytes of octal");
        }
        for (int i = 0; i < width - 1; i++) {
            header[offset + i] = (byte) (i < pad ? '0' : digits.charAt(i - pad));
        }
        header[offset + width - 1] = 0;
    }
}
