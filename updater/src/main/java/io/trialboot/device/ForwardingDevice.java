package io.trialboot.device;

import java.nio.ByteBuffer;

/**
 * A {@link BlockDevice} that passes every call to another: extend it and override what you watch
 * (the apply's progress reports and checked writes watch the writes).
 */
public abstract class ForwardingDevice implements BlockDevice {
    protected final BlockDevice target;

    protected ForwardingDevice(BlockDevice target) {
        this.target = target;
    }

    @Override
    public long size() {
        return target.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        target.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        target.write(offset, src);
    }

    @Override
    public void sync() {
        target.sync();
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
