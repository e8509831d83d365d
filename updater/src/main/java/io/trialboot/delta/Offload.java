package io.trialboot.delta;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Guest side: runs a delta apply's hashing of the base on a second thread, so it overlaps the
 * applying thread's decoding, writing and its own hashing of what it writes (the guest has two
 * harts; each of these is a SHA-256 pass over the image, most of an apply's time under emulation). Bytes are copied into one of {@value #BUFFERS} pooled buffers before they are
 * handed over, so the caller may reuse its own at once; when all are in use the caller waits.
 * Tasks run one at a time, in the order they were given, so each consumer sees its bytes in order.
 */
final class Offload implements AutoCloseable {
    /** Sees bytes in order, as they are read or written. */
    @FunctionalInterface
    interface Tap {
        Tap NONE = (b, off, len) -> { };

        void written(byte[] b, int off, int len);
    }

    private static final int BUFFERS = 3;
    private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "delta-hash");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final AtomicReference<RuntimeException> failed = new AtomicReference<>();
    private Future<?> last;

    Offload(int bufferBytes) {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferBytes]);
        }
    }

    /** A tap handing {@code consumer} a copy of each piece (at most the buffer size) on the helper thread. */
    Tap tap(Tap consumer) {
        return (b, off, len) -> {
            byte[] copy = take();
            System.arraycopy(b, off, copy, 0, len);
            last = helper.submit(() -> {
                try {
                    consumer.written(copy, 0, len);
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                } finally {
                    free.add(copy);
                }
            });
        };
    }

    /** Waits until every piece given so far was consumed; rethrows what a consumer threw. */
    void drain() {
        try {
            if (last != null) {
                last.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the delta's hashes were finishing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing the delta's bytes failed", e.getCause());
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private byte[] take() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the delta's hashes", e);
        }
    }

    @Override
    public void close() {
        helper.shutdownNow();
    }
}
