package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.trialboot.core.TrialbootException;
import java.util.Optional;

/**
 * The oracle every fuzz target shares: a parser either returns a value or throws the module's
 * documented {@link TrialbootException} (with a {@link io.trialboot.core.Code}). Anything else
 * escapes to Jazzer and is a finding: a JDK exception (NPE, IndexOutOfBounds, NumberFormat,
 * Arithmetic, IllegalArgument), an {@code Error} (OutOfMemory, StackOverflow), a checked exception
 * from in-memory input, or a hang (Jazzer's per-input timeout).
 */
final class Oracle {
    private Oracle() {}

    /** A parse whose only allowed failure is {@link TrialbootException}. */
    @FunctionalInterface
    interface Parse<T> {
        T run() throws Exception;
    }

    /** The parsed value, or empty when the parser rejected the input with a documented code. */
    static <T> Optional<T> outcome(Parse<T> parse) throws Exception {
        try {
            return Optional.of(parse.run());
        } catch (TrialbootException e) {
            assertNotNull(e.code(), "a TrialbootException without a code");
            return Optional.empty();
        }
    }
}
