package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HealthGateTest {
    private final AtomicLong nanos = new AtomicLong();

    /** A probe that becomes {@code result} once the fake clock reaches {@code atMillis}. */
    private Probe probe(String name, long atMillis, Probe.Readiness result) {
        return new Probe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Readiness poll() {
                return nanos.get() >= atMillis * 1_000_000 ? result : Readiness.NOT_YET;
            }
        };
    }

    private HealthGate gate(int quorum, long timeoutMs, Probe... probes) {
        return new HealthGate(List.of(probes), quorum, Duration.ofMillis(timeoutMs), Duration.ofMillis(100),
                nanos::get, d -> nanos.addAndGet(d.toNanos()));
    }

    @Test
    void healthyOnceTheQuorumIsReady() throws InterruptedException {
        HealthVerdict v = gate(2, 5_000, probe("bootctld", 0, Probe.Readiness.READY),
                probe("updated", 1_200, Probe.Readiness.READY), probe("bundle hello", 99_000, Probe.Readiness.READY))
                .await();
        assertEquals(Code.HOST_OK, v.code());
        assertEquals(1_200, v.waitedMillis());
        assertEquals(List.of("bundle hello"), v.pending());
    }

    @Test
    void timesOutNamingWhatNeverAnswered() throws InterruptedException {
        HealthVerdict v = gate(2, 3_000, probe("bootctld", 0, Probe.Readiness.READY),
                probe("bundle hello", 10_000, Probe.Readiness.READY)).await();
        assertEquals(Code.HEALTH_TIMEOUT, v.code());
        assertEquals(3_000, v.waitedMillis());
        assertTrue(v.summary().startsWith("HEALTH_TIMEOUT after 3000 ms: ready=[bootctld] failed=[] pending=[bundle hello]"),
                v.summary());
    }

    @Test
    void failsFastWhenTheQuorumCanNoLongerBeReached() throws InterruptedException {
        HealthVerdict v = gate(2, 60_000, probe("bootctld", 0, Probe.Readiness.READY),
                probe("bundle hello", 500, Probe.Readiness.FAILED)).await();
        assertEquals(Code.HEALTH_PROBE_FAILED, v.code());
        assertEquals(500, v.waitedMillis());
        assertEquals(List.of("bundle hello"), v.failed());
    }
}
