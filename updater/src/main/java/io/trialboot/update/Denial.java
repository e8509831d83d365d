package io.trialboot.update;

import io.trialboot.core.Code;
import java.util.Objects;

/** One reason a release may not be installed now: its documented code and what the operator reads. */
public record Denial(Code code, String why) {
    public Denial {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(why, "why");
    }
}
