package io.trialboot.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * A deterministic newc cpio archive (the initramfs format): entries sorted by path, owner 0:0,
 * mtime 0, fixed modes, inode numbers assigned in order. Device nodes need no root here, unlike
 * {@code cpio -o} on a real directory.
 */
final class CpioWriter {
    private record Entry(long mode, byte[] data, int devMajor, int devMinor) {}

    private final Map<String, Entry> entries = new TreeMap<>();

    CpioWriter directory(String path) {
        entries.put(path, new Entry(CpioConstants.C_ISDIR | 0755, new byte[0], 0, 0));
        return this;
    }

    CpioWriter file(String path, byte[] data, int perm) {
        entries.put(path, new Entry(CpioConstants.C_ISREG | perm, data, 0, 0));
        return this;
    }

    CpioWriter symlink(String path, String target) {
        entries.put(path, new Entry(CpioConstants.C_ISLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0));
        return this;
    }

    CpioWriter charDevice(String path, int major, int minor) {
        entries.put(path, new Entry(CpioConstants.C_ISCHR | 0600, new byte[0], major, minor));
        return this;
    }

    /** Writes the archive to {@code out}, which stays open: the caller owns it (a gzip stream, say). */
    @SuppressWarnings("resource") // finish() completes the archive; closing it would close out
    void writeTo(OutputStream out) {
        CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(out, CpioConstants.FORMAT_NEW);
        try {
            long inode = 1;
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry v = e.getValue();
                CpioArchiveEntry ce = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, e.getKey());
                ce.setMode(v.mode());
                ce.setInode(inode++);
                ce.setUID(0);
                ce.setGID(0);
                ce.setTime(0);
                ce.setNumberOfLinks((v.mode() & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
                ce.setSize(v.data().length);
                ce.setRemoteDeviceMaj(v.devMajor());
                ce.setRemoteDeviceMin(v.devMinor());
                cpio.putArchiveEntry(ce);
                cpio.write(v.data());
                cpio.closeArchiveEntry();
            }
            cpio.finish();
            cpio.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
