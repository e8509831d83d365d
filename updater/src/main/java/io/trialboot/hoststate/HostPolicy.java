package io.trialboot.hoststate;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.TrialbootException;
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
 * @param courtesyStorageCapBytes what a courtesy lease lets a domain admitted ACCEPTED_LIMITED store
 *                          (0..{@link #MAX_COURTESY_BYTES}): the sum of the slot images it seals
 * @param courtesySnapshotLimit how many slot images such a domain may seal (0..{@link #MAX_COURTESY_SNAPSHOTS})
 */
public record HostPolicy(int trialTries, long healthTimeoutMs, boolean allowSignedDowngrade,
        long courtesyStorageCapBytes, int courtesySnapshotLimit) {
    public static final String SCHEMA = "trialboot.host-policy/2";
    /** The largest courtesy storage cap: 64 slot images of the largest size the formats allow. */
    public static final long MAX_COURTESY_BYTES = 64 * Bounds.SLOT_IMAGE_BYTES;
    public static final int MAX_COURTESY_SNAPSHOTS = 1000;
    private static final List<String> FIELDS = List.of("schema", "trial_tries", "health_timeout_ms",
            "allow_signed_downgrade", "courtesy_storage_cap_bytes", "courtesy_snapshot_limit");

    public HostPolicy {
        if (trialTries < 1 || trialTries > 9) {
            throw new IllegalArgumentException("trial_tries must be 1..9: " + trialTries);
        }
        if (healthTimeoutMs < 1 || healthTimeoutMs > 3_600_000) {
            throw new IllegalArgumentException("health_timeout_ms must be 1..3600000: " + healthTimeoutMs);
        }
        if (courtesyStorageCapBytes < 0 || courtesyStorageCapBytes > MAX_COURTESY_BYTES) {
            throw new IllegalArgumentException("courtesy_storage_cap_bytes must be 0.." + MAX_COURTESY_BYTES + ": "
                    + courtesyStorageCapBytes);
        }
        if (courtesySnapshotLimit < 0 || courtesySnapshotLimit > MAX_COURTESY_SNAPSHOTS) {
            throw new IllegalArgumentException("courtesy_snapshot_limit must be 0.." + MAX_COURTESY_SNAPSHOTS + ": "
                    + courtesySnapshotLimit);
        }
    }

    /**
     * What a freshly built disk gets: three tries, 120 s for health (TCG is slow), no downgrades, and
     * a courtesy lease with room for two slot images of the largest size the formats allow.
     */
    public static HostPolicy defaults() {
        return new HostPolicy(3, 120_000, false, 2 * Bounds.SLOT_IMAGE_BYTES, 2);
    }

    /** The lease an ACCEPTED_LIMITED admission grants under this policy: its limits, nothing used yet. */
    public CourtesyLease courtesyGrant() {
        return new CourtesyLease(courtesyStorageCapBytes, courtesySnapshotLimit, 0, 0);
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("trial_tries", (long) trialTries);
        m.put("health_timeout_ms", healthTimeoutMs);
        m.put("allow_signed_downgrade", allowSignedDowngrade);
        m.put("courtesy_storage_cap_bytes", courtesyStorageCapBytes);
        m.put("courtesy_snapshot_limit", (long) courtesySnapshotLimit);
        return Json.line(m);
    }

    public static HostPolicy decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("host-policy", bytes);
        if (!List.copyOf(m.keySet()).equals(FIELDS) || !SCHEMA.equals(m.get("schema"))
                || !(m.get("allow_signed_downgrade") instanceof Boolean downgrade)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host-policy must be " + SCHEMA + " with fields " + FIELDS);
        }
        long tries = Json.number(m, "trial_tries");
        long timeout = Json.number(m, "health_timeout_ms");
        long snapshots = Json.number(m, "courtesy_snapshot_limit");
        try {
            return new HostPolicy((int) Math.min(tries, 100), timeout, downgrade,
                    Json.number(m, "courtesy_storage_cap_bytes"), (int) Math.min(snapshots, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host-policy: " + e.getMessage());
        }
    }
}
