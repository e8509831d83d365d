package io.trialboot.device;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A test device in memory that models a disk cache: writes land in {@link #pending} and reach
 * {@link #durable} only at {@link #sync()}. {@link #powerCut()} drops what was not synced.
 */
public final class MemoryBlockDevice implements BlockDevice {
    private final byte[] durable;
    private final byte[] pending;
    public int writes;
    public int syncs;

    public MemoryBlockDevice(int size) {
        this.durable = new byte[size];
        this.pending = new byte[size];
    }

    public static MemoryBlockDevice of(byte[] content, int size) {
        MemoryBlockDevice d = new MemoryBlockDevice(size);
        System.arraycopy(content, 0, d.durable, 0, content.length);
        System.arraycopy(content, 0, d.pending, 0, content.length);
        return d;
    }

    @Override
    public long size() {
        return durable.length;
    }

    private void check(long offset, int n) {
        if (offset < 0 || offset > durable.length - n) {
            throw new TrialbootException(Code.APPLY_SIZE_MISMATCH, "outside the device: " + offset + "+" + n);
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        check(offset, dst.remaining());
        dst.put(pending, (int) offset, dst.remaining());
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        check(offset, src.remaining());
        writes++;
        src.get(pending, (int) offset, src.remaining());
    }

    @Override
    public void sync() {
        syncs++;
        System.arraycopy(pending, 0, durable, 0, durable.length);
    }

    /** The power goes: unsynced writes are lost. */
    public void powerCut() {
        System.arraycopy(durable, 0, pending, 0, durable.length);
    }

    public byte[] contents() {
        return pending.clone();
    }

    public byte[] prefix(int n) {
        return Arrays.copyOf(pending, n);
    }

    @Override
    public void close() {}
}
