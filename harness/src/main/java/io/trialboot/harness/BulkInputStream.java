package io.trialboot.harness;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose one-byte {@link #read()} is its bulk read of one byte: the console's key
 * streams (a person's keyboard, an attached client's socket, keys from a pipe) implement only the
 * bulk read.
 */
public abstract class BulkInputStream extends InputStream {

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
