package io.trialboot.update;

import io.trialboot.core.Code;
import java.util.List;
import java.util.Objects;

/**
 * What healthd concluded. {@code code} is {@link Code#HOST_OK} when healthy, otherwise
 * {@link Code#HEALTH_TIMEOUT} or {@link Code#HEALTH_PROBE_FAILED}.
 */
public record HealthVerdict(Code code, List<String> ready, List<String> failed, List<String> pending,
        long waitedMillis) {
    public HealthVerdict {
        Objects.requireNonNull(code, "code");
        ready = List.copyOf(ready);
        failed = List.copyOf(failed);
        pending = List.copyOf(pending);
    }

    public boolean healthy() {
        return code == Code.HOST_OK;
    }

    /** One line for the console and the history: what was ready, what failed, what never answered. */
    public String summary() {
        return code + " after " + waitedMillis + " ms: ready=" + ready + " failed=" + failed + " pending=" + pending;
    }
}
