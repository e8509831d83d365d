package io.trialboot.guest;

import io.trialboot.update.Probe;
import java.util.function.Supplier;

/** Small {@link Probe} factories for healthd. */
final class Probes {
    private Probes() {}

    static Probe of(String name, Supplier<Probe.Readiness> poll) {
        return new Probe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Probe.Readiness poll() {
                return poll.get();
            }
        };
    }
}
