package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.TrialbootException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code domain.json}: host-derived metadata about a domain (seed 003 §5, seed 004 §5.2), never
 * authoritative. Times are for people and may be null (a build writes none, so images are
 * reproducible); nothing compares them. {@code currentSnapshot} names the active slot's snapshot
 * record, {@code currentLogseq} the last history sequence number.
 */
public record DomainDescriptor(
        String domainId,
        DomainState state,
        String createdAt,
        String admittedAt,
        String rootKeyFingerprint,
        String policyHash,
        String currentSnapshot,
        long currentLogseq) {

    private static final List<String> FIELDS = List.of("domain_id", "state", "created_at", "admitted_at",
            "root_key_fingerprint", "policy_hash", "current_snapshot", "current_logseq");

    public DomainDescriptor {
        Objects.requireNonNull(domainId, "domainId");
        Objects.requireNonNull(state, "state");
        if (currentLogseq < 0) {
            throw new IllegalArgumentException("current_logseq must not be negative: " + currentLogseq);
        }
    }

    public static DomainDescriptor fresh(String domainId, String createdAt) {
        return new DomainDescriptor(domainId, DomainState.UNRECOGNIZED, createdAt, null, null, null, null, 0);
    }

    public DomainDescriptor withAdmission(DomainState s, String at, String rootKey, String policy) {
        return new DomainDescriptor(domainId, s, createdAt, at, rootKey, policy, currentSnapshot, currentLogseq);
    }

    public DomainDescriptor withCurrent(String snapshot, long logseq) {
        return new DomainDescriptor(domainId, state, createdAt, admittedAt, rootKeyFingerprint, policyHash,
                snapshot, logseq);
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain_id", domainId);
        m.put("state", state.name());
        m.put("created_at", createdAt);
        m.put("admitted_at", admittedAt);
        m.put("root_key_fingerprint", rootKeyFingerprint);
        m.put("policy_hash", policyHash);
        m.put("current_snapshot", currentSnapshot);
        m.put("current_logseq", currentLogseq);
        return Json.line(m);
    }

    public static DomainDescriptor decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("domain.json", bytes);
        if (!List.copyOf(m.keySet()).equals(FIELDS)) {
            throw new TrialbootException(Code.MALFORMED_INPUT,
                    "domain.json fields must be " + FIELDS + ", found " + m.keySet());
        }
        return new DomainDescriptor(Json.string(m, "domain_id"), DomainState.parse(Json.string(m, "state")),
                Json.nullableString(m, "created_at"), Json.nullableString(m, "admitted_at"),
                Json.nullableString(m, "root_key_fingerprint"), Json.nullableString(m, "policy_hash"),
                Json.nullableString(m, "current_snapshot"), Json.number(m, "current_logseq"));
    }
}
