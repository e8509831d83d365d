package io.trialboot.records;

import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.core.TrialbootException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code UpdateReceipt/2}: what happened to one install attempt (SPEC §3.7, seed 000). Written when
 * the decision is taken and rewritten as the install and switch progress. Digests are hex; the
 * observed digest is null until something was measured; {@code verityRootHash} is the dm-verity
 * root hash the release manifest signs for the image (null for an image without a tree).
 * {@code input} is what the request named and the digest of what was read from it
 * ({@link RequestedInput}); {@code releaseId} names the release only once its manifest verified,
 * and is null for an input refused before that: nothing in such an input is an identity.
 */
public record UpdateReceipt(
        long attempt,
        String buildId,
        RequestedInput input,
        String releaseId,
        String version,
        String kind,
        String targetSlot,
        String expectedSha256,
        String verityRootHash,
        String observedSha256,
        Decision decision,
        List<Code> reasonCodes,
        InstallStatus installStatus,
        SwitchOutcome switchOutcome,
        long logSeq) {

    public static final String SCHEMA_VERSION = "UpdateReceipt/2";
    /** The schema before {@code input}: read, and written again as {@link #SCHEMA_VERSION} when it changes. */
    static final String SCHEMA_VERSION_1 = "UpdateReceipt/1";

    public enum Decision { ALLOW, DENY }

    public enum InstallStatus { NOT_STARTED, IN_PROGRESS, INSTALLED, FAILED }

    public enum SwitchOutcome { NOT_ATTEMPTED, TRIAL_SET, CONFIRMED, ROLLED_BACK, FAILED }

    private static final List<String> FIELDS = List.of("schemaVersion", "buildId", "attempt", "inputName", "inputSha256",
            "releaseId", "version", "kind", "targetSlot", "expectedSha256", "verityRootHash", "observedSha256", "decision",
            "reasonCodes", "installStatus", "switchOutcome", "logSeq");
    private static final List<String> FIELDS_1 = FIELDS.stream()
            .filter(f -> !f.equals("inputName") && !f.equals("inputSha256")).toList();

    public UpdateReceipt {
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(installStatus, "installStatus");
        Objects.requireNonNull(switchOutcome, "switchOutcome");
        reasonCodes = List.copyOf(reasonCodes);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1: " + attempt);
        }
        if (decision == Decision.DENY && reasonCodes.isEmpty()) {
            throw new IllegalArgumentException("a DENY receipt names at least one reason code");
        }
        if (releaseId == null && (decision == Decision.ALLOW || version != null)) {
            throw new IllegalArgumentException("a receipt that names a release has its id");
        }
    }

    /**
     * The decision on a release whose manifest verified: the release's fields are null until
     * {@link #withRelease} names them.
     */
    public static UpdateReceipt decided(long attempt, String buildId, RequestedInput input, String releaseId,
            Decision decision, List<Code> reasons, long logSeq) {
        Objects.requireNonNull(releaseId, "releaseId");
        return new UpdateReceipt(attempt, buildId, input, releaseId, null, null, null, null, null, null, decision,
                reasons, InstallStatus.NOT_STARTED, SwitchOutcome.NOT_ATTEMPTED, logSeq);
    }

    /** An input refused before a release was known: no release id, no release fields, DENY with {@code code}. */
    public static UpdateReceipt refused(long attempt, String buildId, RequestedInput input, Code code, long logSeq) {
        Objects.requireNonNull(input, "input");
        return new UpdateReceipt(attempt, buildId, input, null, null, null, null, null, null, null, Decision.DENY,
                List.of(code), InstallStatus.NOT_STARTED, SwitchOutcome.NOT_ATTEMPTED, logSeq);
    }

    /** The release's fields; {@code verityRootHash} is null when its image carries no verity tree. */
    public UpdateReceipt withRelease(String version, String kind, String targetSlot, String expectedSha256,
            String verityRootHash) {
        return new UpdateReceipt(attempt, buildId, input, releaseId, version, kind, targetSlot, expectedSha256, verityRootHash,
                observedSha256, decision, reasonCodes, installStatus, switchOutcome, logSeq);
    }

    /** The install's progress and the digest measured so far (null when nothing was). */
    public UpdateReceipt withInstall(InstallStatus status, String observed) {
        return new UpdateReceipt(attempt, buildId, input, releaseId, version, kind, targetSlot, expectedSha256, verityRootHash,
                observed, decision, reasonCodes, status, switchOutcome, logSeq);
    }

    public UpdateReceipt withSwitch(SwitchOutcome outcome) {
        return new UpdateReceipt(attempt, buildId, input, releaseId, version, kind, targetSlot, expectedSha256,
                verityRootHash, observedSha256, decision, reasonCodes, installStatus, outcome, logSeq);
    }

    public UpdateReceipt withReasons(List<Code> reasons) {
        return new UpdateReceipt(attempt, buildId, input, releaseId, version, kind, targetSlot, expectedSha256,
                verityRootHash, observedSha256, decision, reasons, installStatus, switchOutcome, logSeq);
    }

    /** The history line that recorded the receipt's last change. */
    public UpdateReceipt withLogSeq(long seq) {
        return new UpdateReceipt(attempt, buildId, input, releaseId, version, kind, targetSlot, expectedSha256,
                verityRootHash, observedSha256, decision, reasonCodes, installStatus, switchOutcome, seq);
    }

    public byte[] encode() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", SCHEMA_VERSION);
        m.put("buildId", buildId);
        m.put("attempt", attempt);
        m.put("inputName", input == null ? null : input.name());
        m.put("inputSha256", input == null ? null : input.sha256());
        m.put("releaseId", releaseId);
        m.put("version", version);
        m.put("kind", kind);
        m.put("targetSlot", targetSlot);
        m.put("expectedSha256", expectedSha256);
        m.put("verityRootHash", verityRootHash);
        m.put("observedSha256", observedSha256);
        m.put("decision", decision.name());
        m.put("reasonCodes", reasonCodes.stream().map(Code::name).toList());
        m.put("installStatus", installStatus.name());
        m.put("switchOutcome", switchOutcome.name());
        m.put("logSeq", logSeq);
        return Json.line(m);
    }

    /**
     * Decodes a receipt. One without {@code schemaVersion} or {@code buildId} is an old contract:
     * empty, so it is never used to assert current invariants. An {@code UpdateReceipt/1} is read as
     * this schema: one that names no version was refused before its release was known, and its
     * {@code releaseId} was the input's name (shown as {@link RequestedInput#shown} now, no digest);
     * one that does has no {@code input}. Anything else malformed throws.
     */
    public static Optional<UpdateReceipt> decode(byte[] bytes) {
        Map<String, Object> m = Json.parseRecord("receipt", bytes);
        if (!m.containsKey("schemaVersion") || !(m.get("buildId") instanceof String)) {
            return Optional.empty();
        }
        boolean v1 = SCHEMA_VERSION_1.equals(m.get("schemaVersion"));
        if (!(v1 || SCHEMA_VERSION.equals(m.get("schemaVersion"))) || !List.copyOf(m.keySet()).equals(v1 ? FIELDS_1 : FIELDS)
                || !(m.get("reasonCodes") instanceof List<?> codes)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "receipt must be " + SCHEMA_VERSION + " with " + FIELDS
                    + " (or " + SCHEMA_VERSION_1 + " without the input)");
        }
        try {
            List<Code> reasons = new ArrayList<>();
            for (Object c : codes) {
                reasons.add(Code.valueOf((String) c));
            }
            String version = Json.nullableString(m, "version");
            String releaseId = v1 ? Json.string(m, "releaseId") : Json.nullableString(m, "releaseId");
            RequestedInput input;
            if (v1) {
                input = version == null ? new RequestedInput(RequestedInput.shown(releaseId), null) : null;
                releaseId = version == null ? null : releaseId;
            } else {
                String name = Json.nullableString(m, "inputName");
                input = name == null ? null : new RequestedInput(name, Json.nullableString(m, "inputSha256"));
            }
            return Optional.of(new UpdateReceipt(Json.number(m, "attempt"), Json.string(m, "buildId"), input,
                    releaseId, version, Json.nullableString(m, "kind"),
                    Json.nullableString(m, "targetSlot"), Json.nullableString(m, "expectedSha256"),
                    Json.nullableString(m, "verityRootHash"),
                    Json.nullableString(m, "observedSha256"), Decision.valueOf(Json.string(m, "decision")), reasons,
                    InstallStatus.valueOf(Json.string(m, "installStatus")),
                    SwitchOutcome.valueOf(Json.string(m, "switchOutcome")), Json.number(m, "logSeq")));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "receipt: " + e.getMessage());
        }
    }
}
