package io.trialboot.markers;

import java.math.BigDecimal;
import java.time.Duration;

/** How reports write times: {@code 45 s}, {@code 12.3 s}; scales as {@code 1.5}. */
final class Durations {
    private Durations() {
    }

    static String seconds(Duration d) {
        long tenths = Math.round(d.toMillis() / 100.0);
        String sign = tenths < 0 ? "-" : "";
        tenths = Math.abs(tenths);
        return sign + tenths / 10 + (tenths % 10 == 0 ? "" : "." + tenths % 10) + " s";
    }

    static String scale(double scale) {
        return BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString();
    }

    /** {@code timeout} times {@code scale}, to the millisecond. */
    static Duration scaled(Duration timeout, double scale) {
        return Duration.ofMillis(Math.round(timeout.toMillis() * scale));
    }
}
