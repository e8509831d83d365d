package io.trialboot.format.tar;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A strict streaming reader of the archives trialboot writes (ustar, regular files only), which
 * accepts exactly the bytes {@link TarWriter} writes for the entries it reads. Every header is
 * checked before its content is touched: checksum and magic, type, name ({@link ArchivePath}),
 * size against the entry and archive bounds, duplicates, entry count, then every other byte of it
 * against {@link TarWriter}'s header for that name and size (mode, owner, mtime, typeflag
 * {@code 0}, the number fields' spelling, owner names, link name, padding: one set of entries has
 * one archive, so two different files never verify as the same set). Entries come in ascending
 * name order, and the two zero blocks that end the archive are its last bytes.
 *
 * <p>Use: {@code while ((e = r.next()).isPresent()) { r.content() ... }}; unread content is skipped.
 */
public final class TarReader {
    private final InputStream in;
    private final long archiveLimit;
    private final long entryLimit;
    private final Set<String> names = new HashSet<>();
    private long consumed;
    private long remaining;
    private int padding;
    private String current;
    private String previous = "";
    private boolean ended;

    /** {@code archiveLimit} bounds the whole archive, {@code entryLimit} any one entry's content. */
    public TarReader(InputStream in, long archiveLimit, long entryLimit) {
        this.in = in;
        this.archiveLimit = archiveLimit;
        this.entryLimit = entryLimit;
    }

    /** The next entry, or empty at the end of the archive. */
    public Optional<TarEntry> next() {
        if (ended) {
            return Optional.empty();
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        byte[] h = block("a header");
        if (isZero(h)) {
            if (!isZero(block("the second end-of-archive block"))) {
                throw malformed("a zero block is followed by data (expected two zero blocks)");
            }
            requireEnd();
            ended = true;
            return Optional.empty();
        }
        checkHeader(h);
        String name = name(h);
        // Type first: a pax header or directory is named for what it is, not for its odd name.
        checkType(name, h[Ustar.TYPE]);
        ArchivePath.check(name);
        long size = number(h, Ustar.SIZE, 12, "size of " + name);
        Bounds.check("archive entry " + name, size, entryLimit);
        Bounds.check("archive", consumed + size, archiveLimit);
        if (!names.add(name)) {
            throw new TrialbootException(Code.TAR_DUPLICATE_ENTRY, "entry '" + name + "' appears twice");
        }
        Bounds.check("archive entry count", names.size(), Bounds.TAR_ENTRIES);
        requireCanonical(h, name, size);
        if (name.compareTo(previous) < 0) {
            throw malformed("entry '" + name + "' comes after '" + previous + "': entries are in ascending name order");
        }
        previous = name;
        current = name;
        remaining = size;
        padding = TarWriter.padding(size);
        return Optional.of(new TarEntry(name, size));
    }

    /** The current entry's content; reading it past its size returns end of stream. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                int n = readSome(b, off, (int) Math.min(len, remaining));
                remaining -= n;
                return n;
            }
        };
    }

    /** Reads the current entry whole, after checking its size against {@code limit}. */
    public byte[] readContent(int limit) {
        Bounds.check("archive entry " + current, remaining, limit);
        byte[] out = new byte[(int) remaining];
        int off = 0;
        while (off < out.length) {
            off += readSome(out, off, out.length - off);
        }
        remaining = 0;
        return out;
    }

    private int readSome(byte[] b, int off, int len) {
        try {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw malformed("archive ends inside entry '" + current + "'");
            }
            consumed += n;
            return n;
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading archive failed: " + IoFailure.reason(e), e);
        }
    }

    private void skip(long n) {
        byte[] buf = new byte[8192];
        while (n > 0) {
            n -= readSome(buf, 0, (int) Math.min(buf.length, n));
        }
    }

    private byte[] block(String what) {
        Bounds.check("archive", consumed + Ustar.BLOCK, archiveLimit);
        byte[] b = new byte[Ustar.BLOCK];
        int off = 0;
        try {
            while (off < b.length) {
                int n = in.read(b, off, b.length - off);
                if (n < 0) {
                    throw malformed("archive ends where " + what + " should be (at byte " + (consumed + off) + ")");
                }
                off += n;
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading archive failed: " + IoFailure.reason(e), e);
        }
        consumed += b.length;
        return b;
    }

    /** The archive ends with its two zero blocks: any byte after them is refused, zero or not. */
    private void requireEnd() {
        try {
            if (in.read() >= 0) {
                throw malformed("bytes follow the two zero blocks that end the archive");
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "reading archive failed: " + IoFailure.reason(e), e);
        }
    }

    /**
     * The header is byte for byte the one {@link TarWriter} writes for {@code name} and {@code size};
     * the field named is the first that differs, the checksum only when all others agree.
     */
    private static void requireCanonical(byte[] h, String name, long size) {
        byte[] canonical = TarWriter.header(name, size);
        int at = Arrays.mismatch(h, 0, Ustar.CHECKSUM, canonical, 0, Ustar.CHECKSUM);
        if (at < 0) {
            int after = Arrays.mismatch(h, Ustar.TYPE, Ustar.BLOCK, canonical, Ustar.TYPE, Ustar.BLOCK);
            at = after >= 0 ? Ustar.TYPE + after : Arrays.mismatch(h, canonical);
        }
        if (at >= 0) {
            throw malformed("header of '" + name + "': its " + Ustar.fieldAt(at) + " field is not the one trialboot"
                    + " writes (" + TarWriter.CANONICAL + ")");
        }
    }

    private static void checkHeader(byte[] h) {
        if (!Arrays.equals(h, Ustar.MAGIC, Ustar.MAGIC + 8, Ustar.MAGIC_VERSION, 0, 8)) {
            throw malformed("header lacks the POSIX ustar magic");
        }
        long declared = number(h, Ustar.CHECKSUM, 8, "header checksum");
        if (declared != Ustar.checksum(h)) {
            throw malformed("header checksum " + declared + " does not match " + Ustar.checksum(h));
        }
        if (h[Ustar.PREFIX] != 0) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, "entry name uses the ustar prefix field: longer than "
                    + Bounds.TAR_PATH_BYTES + " bytes");
        }
    }

    private static void checkType(String name, byte type) {
        String kind;
        switch (type) {
            case '0':
            case 0:
                return;
            case '1': kind = "hard link"; break;
            case '2': kind = "symbolic link"; break;
            case '3': kind = "character device"; break;
            case '4': kind = "block device"; break;
            case '5': kind = "directory"; break;
            case '6': kind = "FIFO"; break;
            case 'x': case 'g': kind = "pax extended header"; break;
            case 'L': case 'K': kind = "GNU long-name header"; break;
            default: kind = "entry of type '" + (char) type + "'";
        }
        throw new TrialbootException(Code.TAR_NOT_REGULAR_FILE, "'" + name + "' is a " + kind + ", not a regular file");
    }

    private static String name(byte[] h) {
        int end = 0;
        while (end < 100 && h[Ustar.NAME + end] != 0) {
            end++;
        }
        return new String(h, Ustar.NAME, end, StandardCharsets.ISO_8859_1);
    }

    /** An octal field: optional leading spaces, digits 0-7, then NULs or spaces to the end. */
    private static long number(byte[] h, int offset, int width, String what) {
        int i = offset;
        int end = offset + width;
        while (i < end && h[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < end && h[i] >= '0' && h[i] <= '7') {
            v = (v << 3) | (h[i] - '0');
            i++;
            digits++;
        }
        while (i < end && (h[i] == 0 || h[i] == ' ')) {
            i++;
        }
        if (digits == 0 || i != end) {
            throw malformed(what + " is not an octal number");
        }
        return v;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static TrialbootException malformed(String message) {
        return new TrialbootException(Code.TAR_MALFORMED, message);
    }
}
