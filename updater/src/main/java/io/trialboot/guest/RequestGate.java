package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * updated serves one client request at a time. A request that arrives while another client's is in
 * flight waits at most {@link #WAIT} (long enough for a status query to finish, far shorter than an
 * install), then is answered {@link Code#HOST_CONCURRENT_MODIFICATION} naming the request in flight,
 * with nothing done: a second client never queues silently behind a long install.
 */
final class RequestGate {
    static final Duration WAIT = Duration.ofSeconds(2);

    private final Semaphore permit = new Semaphore(1);
    private volatile String inFlight = "";

    <T> T run(String request, Supplier<T> work) {
        boolean got;
        try {
            got = permit.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new TrialbootException(Code.HOST_CONCURRENT_MODIFICATION, "updated is serving another client's '"
                    + inFlight + "' (waited " + WAIT.toSeconds() + " s); '" + request
                    + "' was not done: run it again once that has finished");
        }
        try {
            inFlight = request;
            return work.get();
        } finally {
            inFlight = "";
            permit.release();
        }
    }
}
