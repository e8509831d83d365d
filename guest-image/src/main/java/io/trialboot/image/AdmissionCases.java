package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.ADMISSION;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.field;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.factoryRecord;
import static io.trialboot.image.HostileReleases.sha;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.Ctx;
import io.trialboot.image.HostileCorpus.EntryPoint;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.WitnessMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hostile cases on the admission record and on {@code nx admit}'s decisions: forged, altered, for another domain. */
final class AdmissionCases {
    private AdmissionCases() {}

    static List<Case> cases() {
        return List.of(
                host("admission-release-signed", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "the factory admission record signed by test-release-1 instead of the root",
                        c -> c.admission(Packaging.admission(factoryRecord(c), c.release()))),
                host("admission-stranger-signed", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an admission record admitting a stranger's key, signed by that stranger", c -> {
                            SigningKey s = HostileFiles.stranger(c.in().keys(), "admission");
                            c.admission(Packaging.admission(new AdmissionRecord(HostileReleases.factoryDomain(),
                                    FactoryState.COMPATIBLE, c.in().policy(), WitnessMode.SINGLE, 1,
                                    Map.of(s.keyId(), s.publicKey()), Set.of()), s));
                        }),
                host("admission-other-domain", ADMISSION, EntryPoint.ADMISSION, Code.HOST_ADMISSION_REJECTED,
                        "a root-signed admission record for domain 'lab'",
                        c -> c.admission(Packaging.admission(HostileReleases.admission(c.in(), "lab",
                                Set.of(c.in().keys().revoked().keyId())), c.in().keys().root()))),
                host("admit-decision-forged", ADMISSION, EntryPoint.ADMIT, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an ACCEPTED decision on the factory record signed by test-release-1, not the root",
                        c -> c.admit(factoryDam(c), decision("system", 1, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.release())),
                host("admit-decision-other-record", ADMISSION, EntryPoint.ADMIT, Code.DIGEST_MISMATCH,
                        "a root-signed ACCEPTED decision naming another admission record than the one beside it",
                        c -> c.admit(factoryDam(c), decision("system", 1, "ACCEPTED", sha("another record")),
                                c.in().keys().root())),
                host("admit-decision-tampered", ADMISSION, EntryPoint.ADMIT, Code.SIG_INVALID,
                        "a root-signed SUSPENDED decision edited to ACCEPTED after signing", c -> {
                            byte[] signed = decision("system", 1, "SUSPENDED", Sha256.of(factoryDam(c).content()));
                            c.admit(factoryDam(c), signed, c.in().keys().root());
                            c.write(AdmissionDecision.FILE, decision("system", 1, "ACCEPTED",
                                    Sha256.of(factoryDam(c).content())));
                        }),
                host("admit-decision-other-domain", ADMISSION, EntryPoint.ADMIT, Code.HOST_ADMISSION_REJECTED,
                        "a root-signed decision for domain 'lab' on the system domain's record",
                        c -> c.admit(factoryDam(c), decision("lab", 1, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.in().keys().root())),
                host("admit-decision-sequence-zero", ADMISSION, EntryPoint.ADMIT, Code.SCHEMA_VIOLATION,
                        "a root-signed decision with sequence 0 (the factory's, never a decision's)",
                        c -> c.admit(factoryDam(c), decision("system", 0, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.in().keys().root())),
                host("admission-trailing-bytes", ADMISSION, EntryPoint.ADMISSION, Code.CBOR_TRAILING_BYTES,
                        "the factory admission record with a byte appended, signed by the root",
                        c -> c.admission(sign(concat(factoryRecord(c).encode(), new byte[] {0}), c.in().keys().root()))),
                host("admission-stranger-garbage", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "bytes that are no CBOR at all (a reserved head first), signed by a stranger: the signature"
                                + " is checked before a byte is parsed",
                        c -> c.admission(sign(new byte[] {(byte) 0xfc, 1, 2, 3},
                                HostileFiles.stranger(c.in().keys(), "admission-garbage")))),
                host("admission-revokes-own-root", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_REVOKES_SIGNER,
                        "a root-signed admission record whose revoked list names the root's own key id",
                        c -> c.admission(Packaging.admission(HostileReleases.admission(c.in(),
                                HostileReleases.factoryDomain(), Set.of(c.in().keys().revoked().keyId(),
                                        c.in().keys().root().keyId())), c.in().keys().root()))));
    }

    private static Signed factoryDam(Ctx c) {
        return Packaging.admission(factoryRecord(c), c.in().keys().root());
    }

    /** Decision bytes written field by field, so a sequence of 0 (which the record type refuses) can be made. */
    private static byte[] decision(String domain, long sequence, String outcome, Sha256 dam) {
        return Cbor.encode(Cbor.map().put("schema", AdmissionDecision.SCHEMA).put("domain", domain)
                .put("sequence", sequence).put("outcome", outcome).put("dam", dam.bytes()).build());
    }
}
