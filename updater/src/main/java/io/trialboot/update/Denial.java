package io.trialboot.update;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.List;
import java.util.Objects;

/** One reason a release may not be installed now: its documented code and what the operator reads. */
public record Denial(Code code, String why) {
    public Denial {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(why, "why");
    }

    /** The refusal {@code check} throws, as a denial; none when it returns. */
    static List<Denial> raisedBy(Runnable check) {
        try {
            check.run();
            return List.of();
        } catch (TrialbootException e) {
            return List.of(new Denial(e.code(), e.getMessage()));
        }
    }
}
