package io.trialboot.core;

import java.util.Objects;

/** A domain failure with a documented {@link Code} and a message a person can act on. */
public class TrialbootException extends RuntimeException {
    private final Code code;

    public TrialbootException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public TrialbootException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }

    /** The message without its code, for a caller that adds context and keeps the code. */
    public String detail() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
