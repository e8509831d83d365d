package io.trialboot.hoststate;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.StateFiles;
import io.trialboot.core.TrialbootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code leases/courtesy.json}: the courtesy lease of a domain admitted ACCEPTED_LIMITED (state
 * COURTESY, seed 004 §9): host-owned limits on what it may store, enforced by {@link Domain} at the
 * host boundary. The limits are granted at admission from {@code host/host-policy}
 * ({@link HostPolicy#courtesyGrant}) and kept here with what was used. Each slot image it seals is charged (its size, one snapshot); an allocation or a
 * seal that would pass the storage cap or the snapshot count is refused with
 * {@link Code#HOST_LEASE_EXPIRED}, and once either limit is reached the lease is spent: every new
 * write is refused with that code until the domain is admitted again. Reading, inspection and the
 * history stay open. A COURTESY domain without a lease file has no lease: spent.
 */
public record CourtesyLease(long storageCapBytes, int snapshotLimit, long storageUsedBytes, int snapshotsTaken) {
    public static final String SCHEMA = "trialboot.courtesy-lease/1";
    static final String FILE = "leases/courtesy.json";
    private static final List<String> FIELDS = List.of("schema", "storage_cap_bytes", "snapshot_limit",
            "storage_used_bytes", "snapshots_taken");

    public CourtesyLease {
        if (storageCapBytes < 0 || snapshotLimit < 0 || storageUsedBytes < 0 || snapshotsTaken < 0) {
            throw new IllegalArgumentException("lease figures must not be negative");
        }
    }

    /** True once the storage cap or the snapshot count is reached: no new write is allowed. */
    public boolean spent() {
        return storageUsedBytes >= storageCapBytes || snapshotsTaken >= snapshotLimit;
    }

    /** Refuses a write of {@code bytes} (sealed as one snapshot) that does not fit what is left. */
    void checkRoom(long bytes, String operation) {
        if (spent() || storageUsedBytes + bytes > storageCapBytes || snapshotsTaken + 1 > snapshotLimit) {
            throw new TrialbootException(Code.HOST_LEASE_EXPIRED, operation + ": the courtesy lease "
                    + (spent() ? "is spent" : "has no room for " + bytes + " bytes") + " (" + this
                    + "); a full admission (ACCEPTED) lifts it");
        }
    }

    CourtesyLease charge(long bytes) {
        return new CourtesyLease(storageCapBytes, snapshotLimit, storageUsedBytes + bytes, snapshotsTaken + 1);
    }

    @Override
    public String toString() {
        return storageUsedBytes + " of " + storageCapBytes + " bytes, " + snapshotsTaken + " of " + snapshotLimit
                + " snapshots used";
    }

    byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("storage_cap_bytes", storageCapBytes);
        m.put("snapshot_limit", (long) snapshotLimit);
        m.put("storage_used_bytes", storageUsedBytes);
        m.put("snapshots_taken", (long) snapshotsTaken);
        return Json.line(m);
    }

    static CourtesyLease decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("courtesy lease", bytes);
        if (!List.copyOf(m.keySet()).equals(FIELDS) || !SCHEMA.equals(m.get("schema"))) {
            throw new TrialbootException(Code.MALFORMED_INPUT, FILE + " must be " + SCHEMA + " with fields " + FIELDS);
        }
        try {
            return new CourtesyLease(Json.number(m, "storage_cap_bytes"), (int) Math.min(Json.number(m, "snapshot_limit"),
                    Integer.MAX_VALUE), Json.number(m, "storage_used_bytes"),
                    (int) Math.min(Json.number(m, "snapshots_taken"), Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, FILE + ": " + e.getMessage());
        }
    }

    /** The lease of the domain at {@code dir}, if it has one. */
    static Optional<CourtesyLease> read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(decode(StateFiles.read(f, Bounds.RECORD_BYTES, "courtesy lease")));
    }

    /** The lease of a COURTESY domain; none at all counts as spent. */
    static CourtesyLease of(Path dir) {
        return read(dir).orElse(new CourtesyLease(0, 0, 0, 0));
    }
}
