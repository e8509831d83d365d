package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The factor every harness timeout is multiplied by, for slow hosts: system property
 * {@value #PROPERTY}, else environment variable {@value #ENV}, else 1.0.
 *
 * @param factor positive and finite
 * @param source where the factor came from, for the one line the extension prints
 */
public record TimeoutScale(double factor, String source) {
    public static final String PROPERTY = "trialboot.timeoutScale";
    public static final String ENV = "TRIALBOOT_TIMEOUT_SCALE";
    public static final TimeoutScale DEFAULT = new TimeoutScale(1.0, "default");

    public TimeoutScale {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID,
                    "timeout scale must be a positive number, got " + factor + " (from " + source + ")");
        }
    }

    /** The scale this JVM was started with. */
    public static TimeoutScale fromEnvironment() {
        return resolve(System.getProperties(), System.getenv());
    }

    static TimeoutScale resolve(Properties properties, Map<String, String> env) {
        String p = properties.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) return parse(p, "system property " + PROPERTY);
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) return parse(e, "environment variable " + ENV);
        return DEFAULT;
    }

    private static TimeoutScale parse(String value, String source) {
        try {
            return new TimeoutScale(Double.parseDouble(value.trim()), source);
        } catch (NumberFormatException e) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID,
                    "timeout scale must be a positive number, got '" + value + "' (from " + source + ")");
        }
    }

    /** {@code d} times the factor. */
    public Duration scale(Duration d) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    @Override
    public String toString() {
        return factor + " (" + source + ")";
    }
}
