package io.trialboot.guest;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The outcome of one start-up step ({@link Startup}), awaited by another thread: a value, or the
 * step's own exception, rethrown as is to whoever awaits it. Plain {@code wait}/{@code notifyAll},
 * not {@code CompletableFuture}: the image build records the classes a boot loads for the slot's
 * class archive (ClassArchive), and {@code CompletableFuture} loads different classes depending on
 * which thread gets there first (a waiter's {@code Signaller}, a {@code CoCompletion}), so the list,
 * and the image, would change from build to build.
 */
final class Pending<T> {
    private T value;
    private RuntimeException failure;
    private boolean done;

    /**
     * Runs {@code step} on {@code threads}; its outcome is awaited with {@link #await}. A class, not a
     * lambda: the start-up's threads begin before the boot's first lambda is linked (GuestMain).
     */
    static <T> Pending<T> run(Executor threads, Supplier<T> step) {
        Pending<T> p = new Pending<>();
        threads.execute(new Runnable() {
            @Override
            public void run() {
                p.produce(step);
            }
        });
        return p;
    }

    /** Runs {@code step} here and now: its value or its exception is the outcome. */
    void produce(Supplier<T> step) {
        try {
            complete(step.get());
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    synchronized void complete(T v) {
        value = v;
        done = true;
        notifyAll();
    }

    synchronized void fail(RuntimeException e) {
        failure = e;
        done = true;
        notifyAll();
    }

    /** The step's value, or its exception as it threw it; waits for the step (not interruptibly: the boot needs it). */
    synchronized T await() {
        boolean interrupted = false;
        while (!done) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }

    /** Waits for the step, whatever its outcome. */
    void settle() {
        try {
            await();
        } catch (RuntimeException ignored) {
            // the outcome is not wanted, only that the step is over
        }
    }
}
