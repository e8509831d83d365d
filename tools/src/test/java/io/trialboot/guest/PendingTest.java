package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A start-up step's outcome crosses threads as it was: the value, or the step's own exception. */
class PendingTest {
    private static void thread(Runnable r) {
        new Thread(r, "pending-test").start();
    }

    @Test
    void theAwaiterWaitsForTheValueOfAStepOnAnotherThread() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Pending<String> p = Pending.run(PendingTest::thread, () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "trust";
        });
        thread(go::countDown);
        assertEquals("trust", p.await());
        assertEquals("trust", p.await(), "the outcome stays");
    }

    @Test
    void theStepsOwnExceptionIsRethrownUnwrapped() {
        TrialbootException why = new TrialbootException(Code.SIG_INVALID, "admission record signature does not verify");
        Pending<String> p = Pending.run(PendingTest::thread, () -> {
            throw why;
        });
        assertSame(why, assertThrows(TrialbootException.class, p::await));
        p.settle(); // over, whatever the outcome
    }

    @Test
    void aStepFailedFromOutsideGivesThatFailure() {
        Pending<String> p = new Pending<>();
        TrialbootException why = new TrialbootException(Code.HOST_NOT_FOUND, "no trust");
        p.fail(why);
        assertSame(why, assertThrows(TrialbootException.class, p::await));
    }
}
