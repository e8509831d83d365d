package io.trialboot.trust;

import io.trialboot.core.Sha256;
import io.trialboot.format.cbor.Cbor;

/**
 * What the operator asked the device to apply ({@code admission-request.cbor}, written by the
 * device, unsigned: host-derived, seed 003 §6): the input it came from and the digests of the
 * admission record and decision it delivered. Kept beside them so each applied admission says
 * where it came from.
 *
 * <pre>
 * {"schema": "trialboot.admission-request/1", "domain": "system", "sequence": 2,
 *  "input": "pkg://updates/admission/reinstate", "dam": h'…', "decision": h'…'}
 * </pre>
 */
public record AdmissionRequest(String domain, long sequence, String input, Sha256 dam, Sha256 decision) {
    public static final String SCHEMA = "trialboot.admission-request/1";
    public static final String FILE = "admission-request.cbor";

    public byte[] encode() {
        return Cbor.encode(Cbor.map().put("schema", SCHEMA).put("domain", domain).put("sequence", sequence)
                .put("input", input).put("dam", dam.bytes()).put("decision", decision.bytes()).build());
    }
}
