package io.trialboot.markers;

import java.time.Duration;
import java.util.Objects;

/**
 * One expected console line of a contract.
 *
 * @param number 1-based position in the contract
 * @param boot the boot the line must appear in (lines of other boots never satisfy it)
 * @param timeout how long the line may take, from the previous step's match (from the start of the
 *     run for the first step), before the timeout scale is applied
 * @param pattern the line to wait for
 * @param sourceLine the contract file line it was written on (0 when built in code)
 */
public record Step(int number, int boot, Duration timeout, LinePattern pattern, int sourceLine) {
    public Step {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pattern, "pattern");
        if (number < 1) {
            throw new IllegalArgumentException("step number must be positive: " + number);
        }
        if (boot < 1) {
            throw new IllegalArgumentException("boot index must be positive: " + boot);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }
}
