package io.trialboot.update;

import io.trialboot.core.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * healthd's gate: polls its probes until a quorum is READY, a quorum can no longer be reached
 * (too many FAILED: stop at once), or the deadline passes. Time comes from an injected
 * nanosecond source and sleeper, so tests never sleep.
 */
public final class HealthGate {
    /** Waits between polls; tests pass one that advances a fake clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final List<Probe> probes;
    private final int quorum;
    private final Duration timeout;
    private final Duration pollEvery;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    public HealthGate(List<Probe> probes, int quorum, Duration timeout, Duration pollEvery, LongSupplier nanoTime,
            Sleeper sleeper) {
        this.probes = List.copyOf(probes);
        if (probes.isEmpty() || quorum < 1 || quorum > probes.size()) {
            throw new IllegalArgumentException("quorum must be 1.." + probes.size() + ": " + quorum);
        }
        if (timeout.isNegative() || timeout.isZero() || pollEvery.isNegative() || pollEvery.isZero()) {
            throw new IllegalArgumentException("timeout and poll interval must be positive");
        }
        this.quorum = quorum;
        this.timeout = timeout;
        this.pollEvery = pollEvery;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Every probe must be ready, polled every 250 ms on the real clock. */
    public static HealthGate allOf(List<Probe> probes, Duration timeout) {
        return new HealthGate(probes, probes.size(), timeout, Duration.ofMillis(250), System::nanoTime,
                d -> Thread.sleep(d.toMillis()));
    }

    public HealthVerdict await() throws InterruptedException {
        long start = nanoTime.getAsLong();
        Probe.Readiness[] state = new Probe.Readiness[probes.size()];
        Arrays.fill(state, Probe.Readiness.NOT_YET);
        while (true) {
            int ready = 0;
            int failed = 0;
            for (int i = 0; i < state.length; i++) {
                if (state[i] == Probe.Readiness.NOT_YET) {
                    state[i] = Objects.requireNonNull(probes.get(i).poll(), "probe answered null");
                }
                ready += state[i] == Probe.Readiness.READY ? 1 : 0;
                failed += state[i] == Probe.Readiness.FAILED ? 1 : 0;
            }
            long waited = (nanoTime.getAsLong() - start) / 1_000_000;
            if (ready >= quorum) {
                return verdict(Code.HOST_OK, state, waited);
            }
            if (probes.size() - failed < quorum) {
                return verdict(Code.HEALTH_PROBE_FAILED, state, waited);
            }
            if (waited >= timeout.toMillis()) {
                return verdict(Code.HEALTH_TIMEOUT, state, waited);
            }
            sleeper.sleep(pollEvery);
        }
    }

    private HealthVerdict verdict(Code code, Probe.Readiness[] state, long waited) {
        List<String> ready = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < state.length; i++) {
            String n = probes.get(i).name();
            switch (state[i]) {
                case READY -> ready.add(n);
                case FAILED -> failed.add(n);
                case NOT_YET -> pending.add(n);
            }
        }
        return new HealthVerdict(code, ready, failed, pending, waited);
    }
}
