package io.trialboot.trust;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The answer of a verification: {@code ALLOW} with {@link Code#HOST_OK}, or {@code DENY} with the
 * documented code and a message a person can act on. For receipts, markers and the CLI.
 */
public record Decision(Code code, String message) {
    public Decision {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public boolean allowed() {
        return code == Code.HOST_OK;
    }

    /** Runs a verification and turns its outcome into a decision; other exceptions propagate. */
    public static <T> Decision of(Supplier<T> verification) {
        try {
            T result = verification.get();
            return new Decision(Code.HOST_OK, String.valueOf(result));
        } catch (TrialbootException e) {
            String m = e.getMessage();
            String prefix = e.code() + ": ";
            return new Decision(e.code(), m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
    }

    /** {@code ALLOW HOST_OK: ...} or {@code DENY <CODE>: ...}. */
    @Override
    public String toString() {
        return (allowed() ? "ALLOW " : "DENY ") + code + ": " + message;
    }
}
