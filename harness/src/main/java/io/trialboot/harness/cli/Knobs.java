package io.trialboot.harness.cli;

import java.time.Duration;
import java.util.Map;

/** Environment knobs of the scripts, read with their defaults and validated. */
final class Knobs {
    private final Map<String, String> env;

    Knobs(Map<String, String> env) {
        this.env = env;
    }

    String text(String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    boolean flag(String name, boolean fallback) {
        String v = text(name, fallback ? "1" : "0");
        return switch (v) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be 1 or 0, got '" + v + "'");
        };
    }

    /** {@code 210s}, {@code 5m} or plain seconds. */
    Duration duration(String name, Duration fallback) {
        String v = text(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a duration like 210s or 5m, got '" + v + "'");
        }
    }
}
