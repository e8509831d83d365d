package io.trialboot.harness.error;

import java.util.Objects;

/** A failure of the harness itself, with a documented {@link HarnessCode}. */
public class HarnessException extends RuntimeException {
    private final HarnessCode code;

    public HarnessException(HarnessCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public HarnessException(HarnessCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public HarnessCode code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
