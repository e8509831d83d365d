package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.Fields;
import java.util.Objects;

/**
 * A root's decision on a domain ({@code admission-decision.cbor}, signed by a pinned root in
 * {@code admission-decision.sig}; seed 003 §6, seed 004 §6): which outcome applies to the domain,
 * for which admission record (by digest), under which sequence number. A decision is applied only
 * when its sequence number is above the one applied last, so an older decision cannot be replayed
 * to undo a suspension or a revocation.
 *
 * <pre>
 * {"schema": "trialboot.admission-decision/1", "domain": "system", "sequence": 2,
 *  "outcome": "ACCEPTED", "dam": h'&lt;sha256 of dam.cbor&gt;'}
 * </pre>
 */
public record AdmissionDecision(String domain, long sequence, Outcome outcome, Sha256 dam) {
    public static final String SCHEMA = "trialboot.admission-decision/1";
    public static final String FILE = "admission-decision.cbor";
    public static final String SIGNATURE_FILE = "admission-decision.sig";

    /** What a decision does to the domain (seed 004 §6.2, §6.3). */
    public enum Outcome {
        ACCEPTED, ACCEPTED_LIMITED, DEFERRED, SUSPENDED, REVOKED;

        static Outcome parse(String text) {
            for (Outcome o : values()) {
                if (o.name().equals(text)) {
                    return o;
                }
            }
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "admission decision: outcome '" + text + "' is not one of "
                    + java.util.Arrays.toString(values()));
        }
    }

    public AdmissionDecision {
        if (!AdmissionRecord.DOMAIN.matcher(domain).matches()) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "admission decision: domain id '" + domain + "' must match "
                    + AdmissionRecord.DOMAIN);
        }
        if (sequence < 1) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "admission decision: sequence must be 1 or more");
        }
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(dam, "dam");
    }

    public byte[] encode() {
        return Cbor.encode(Cbor.map().put("schema", SCHEMA).put("domain", domain).put("sequence", sequence)
                .put("outcome", outcome.name()).put("dam", dam.bytes()).build());
    }

    public static AdmissionDecision decode(byte[] bytes) {
        Bounds.check("admission decision", bytes.length, Bounds.MANIFEST_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "admission decision").schema(SCHEMA);
        AdmissionDecision d = new AdmissionDecision(f.text("domain"), f.uint("sequence"), Outcome.parse(f.text("outcome")),
                new Sha256(f.bytes("dam", Sha256.LENGTH)));
        f.end();
        return d;
    }

    /**
     * A decision signed by a pinned root (checked over the raw bytes before parsing) about exactly
     * the admission record {@code damBytes}: another record's digest is {@link Code#DIGEST_MISMATCH}.
     */
    public static AdmissionDecision verify(TrustStore roots, byte[] bytes, byte[] signatureFile, byte[] damBytes) {
        Bounds.check("admission decision", bytes.length, Bounds.MANIFEST_BYTES);
        RootSigned.signer(roots, bytes, signatureFile, "admission decision");
        AdmissionDecision d = decode(bytes);
        if (!d.dam().equals(Sha256.of(damBytes))) {
            throw new TrialbootException(Code.DIGEST_MISMATCH, "admission decision " + d.sequence() + " names admission record "
                    + d.dam().shortHex() + ", not the one beside it (" + Sha256.of(damBytes).shortHex() + ")");
        }
        return d;
    }
}
