package io.trialboot.hoststate;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code host/host-policy}: the device's local limits on updates.
 *
 * @param trialTries        boots a trial slot gets before stage 0 falls back (1..9)
 * @param healthTimeoutMs   how long healthd waits for its quorum on a trial boot
 * @param allowSignedDowngrade whether a release below the installed version may be installed
 *                          (it must still be at or above the anti-rollback floor)
 */
public record HostPolicy(int trialTries, long healthTimeoutMs, boolean allowSignedDowngrade) {
    public static final String SCHEMA = "trialboot.host-policy/1";
    private static final List<String> FIELDS = List.of("schema", "trial_tries", "health_timeout_ms",
            "allow_signed_downgrade");

    public HostPolicy {
        if (trialTries < 1 || trialTries > 9) {
            throw new IllegalArgumentException("trial_tries must be 1..9: " + trialTries);
        }
        if (healthTimeoutMs < 1 || healthTimeoutMs > 3_600_000) {
            throw new IllegalArgumentException("health_timeout_ms must be 1..3600000: " + healthTimeoutMs);
        }
    }

    /** What a freshly built disk gets: three tries, 120 s for health (TCG is slow), no downgrades. */
    public static HostPolicy defaults() {
        return new HostPolicy(3, 120_000, false);
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("trial_tries", (long) trialTries);
        m.put("health_timeout_ms", healthTimeoutMs);
        m.put("allow_signed_downgrade", allowSignedDowngrade);
        return (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static HostPolicy decode(byte[] bytes) {
        Bounds.check("host-policy", bytes.length, Bounds.RECORD_BYTES);
        Map<String, Object> m = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
        if (!List.copyOf(m.keySet()).equals(FIELDS) || !SCHEMA.equals(m.get("schema"))
                || !(m.get("allow_signed_downgrade") instanceof Boolean downgrade)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host-policy must be " + SCHEMA + " with fields " + FIELDS);
        }
        long tries = Json.number(m, "trial_tries");
        long timeout = Json.number(m, "health_timeout_ms");
        try {
            return new HostPolicy((int) Math.min(tries, 100), timeout, downgrade);
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host-policy: " + e.getMessage());
        }
    }
}
