package io.trialboot.markers;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A met step.
 *
 * @param step the step
 * @param line the console line that met it
 * @param captures the values that line captured
 * @param waited time from the previous step's match (or the run start) to this line; null when
 *     the log has no times
 * @param allowed the step's timeout times the scale
 */
public record StepResult(Step step, ConsoleLine line, Map<String, String> captures, Duration waited, Duration allowed) {
    public StepResult {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(allowed, "allowed");
        captures = Map.copyOf(captures);
    }

    /** When the line arrived, if known. */
    public Optional<Duration> at() {
        return Optional.ofNullable(line.at());
    }

    /** How much of the allowed time was left ({@code allowed - waited}), if the times are known. */
    public Optional<Duration> margin() {
        return waited == null ? Optional.empty() : Optional.of(allowed.minus(waited));
    }
}
