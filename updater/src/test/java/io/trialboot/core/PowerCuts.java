package io.trialboot.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Power cuts for host tests: a {@link StateWriter} that loses power at its Nth step, leaving on
 * disk what a cut inside that step leaves, then throwing {@link PowerCut}. The steps and what a cut
 * leaves: {@code write} a partial temp file beside the target (the rename never came); {@code
 * delete} and {@code truncate} nothing done; {@code append} the first {@code kept(n)} of its n
 * bytes; {@code overwrite} the first {@code kept(n)} new bytes over the old ones (a torn mix).
 */
public final class PowerCuts {
    private PowerCuts() {}

    /** The power goes. An Error, so no catch block of the engine can record anything afterwards. */
    public static final class PowerCut extends Error {
        public PowerCut(int n) {
            super("power cut at I/O point " + n, null, false, false);
        }
    }

    /** Counts I/O points (state-file steps, slot writes and syncs); the power goes at the Nth. */
    public static final class Faults {
        private final int crashAt;
        private int count;

        public Faults(int crashAt) {
            this.crashAt = crashAt;
        }

        /** Counts one point; whether the power goes at it. */
        public boolean due() {
            return ++count == crashAt;
        }

        public int count() {
            return count;
        }
    }

    /** {@code under}, with the power cut at {@code faults}' point; a cut append or overwrite keeps half its bytes. */
    public static StateWriter writer(Faults faults, StateWriter under) {
        return writer(faults, under, n -> n / 2);
    }

    /** As {@link #writer(Faults, StateWriter)}, a cut append or overwrite keeping {@code kept(n)} of its n bytes. */
    public static StateWriter writer(Faults faults, StateWriter under, IntUnaryOperator kept) {
        return new StateWriter() {
            @Override
            public void write(Path file, byte[] content) {
                if (faults.due()) {
                    put(file.resolveSibling("." + file.getFileName() + ".tmp"), 0, Arrays.copyOf(content, content.length / 2), true);
                    throw new PowerCut(faults.count());
                }
                under.write(file, content);
            }

            @Override
            public void delete(Path file) {
                cutHere();
                under.delete(file);
            }

            @Override
            public void append(Path file, long at, byte[] bytes) {
                if (faults.due()) {
                    put(file, at, Arrays.copyOf(bytes, kept.applyAsInt(bytes.length)), false);
                    throw new PowerCut(faults.count());
                }
                under.append(file, at, bytes);
            }

            @Override
            public void overwrite(Path file, byte[] content) {
                if (faults.due()) {
                    put(file, 0, Arrays.copyOf(content, kept.applyAsInt(content.length)), false);
                    throw new PowerCut(faults.count());
                }
                under.overwrite(file, content);
            }

            @Override
            public void truncate(Path file, long length, boolean durable) {
                cutHere();
                under.truncate(file, length, durable);
            }

            private void cutHere() {
                if (faults.due()) {
                    throw new PowerCut(faults.count());
                }
            }
        };
    }

    /** Writes {@code bytes} at {@code at} (the file cut there first when {@code replace}). */
    private static void put(Path file, long at, byte[] bytes, boolean replace) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (replace) {
                ch.truncate(at);
            }
            ch.write(ByteBuffer.wrap(bytes), at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
