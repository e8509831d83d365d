package io.trialboot.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.tools.SigningKey;
import io.trialboot.tools.Packaging;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustTest {
    private final Fixture f = new Fixture();
    private final byte[] content = "release bytes".getBytes(StandardCharsets.UTF_8);

    private static void assertCode(Code code, String messageStart, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void verifiesRfc8032TestVectorWithTheJdkProvider() {
        HexFormat h = HexFormat.of();
        byte[] key = h.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        byte[] sig = h.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertTrue(Ed25519.verify(key, new byte[0], sig));
        assertFalse(Ed25519.verify(key, new byte[] {0}, sig));
        assertEquals("21fe31dfa154a261", KeyId.of(key).hex());
    }

    @Test
    void readsAndWritesPemSpkiPublicKeys() {
        byte[] pem = Ed25519.toPem(f.k1.publicKey());
        assertTrue(new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assertEquals(f.k1.keyId(), KeyId.of(Ed25519.rawFromPem(pem)));
        assertCode(Code.KEY_FORMAT, "not a PEM public key", () -> Ed25519.rawFromPem("hello".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void allowsSingleWitnessSignatureByAdmittedKey() {
        assertEquals(Set.of(f.k1.keyId()), f.single().verify("release manifest", content, Fixture.sign(content, f.k1)));
    }

    @Test
    void rejectsUnsignedMetadata() {
        byte[] none = new SignatureFile(List.of()).encode();
        assertCode(Code.SIG_MISSING, "release manifest carries no signature", () -> f.single().verify("release manifest", content, none));
    }

    @Test
    void rejectsInvalidSignature() {
        byte[] sig = Fixture.sign("other bytes".getBytes(StandardCharsets.UTF_8), f.k1);
        assertCode(Code.SIG_INVALID, "release manifest: signature by key " + f.k1.keyId() + " does not verify",
                () -> f.single().verify("release manifest", content, sig));
    }

    @Test
    void rejectsSignatureByUnknownKey() {
        assertCode(Code.KEY_UNKNOWN, "release manifest: key " + f.stranger.keyId() + " is unknown",
                () -> f.single().verify("release manifest", content, Fixture.sign(content, f.stranger)));
    }

    @Test
    void rejectsSignatureByPinnedRootThatIsNotAdmitted() {
        assertCode(Code.KEY_NOT_ADMITTED, "release manifest: key " + f.root.keyId() + " is a pinned root but not admitted",
                () -> f.single().verify("release manifest", content, Fixture.sign(content, f.root)));
    }

    @Test
    void rejectsSignatureByRevokedKey() {
        assertCode(Code.KEY_REVOKED, "release manifest: key " + f.k3.keyId() + " is revoked",
                () -> f.single().verify("release manifest", content, Fixture.sign(content, f.k3)));
    }

    @Test
    void revocationWinsOverAdmission() {
        Trust t = f.trust(WitnessMode.SINGLE, 1, List.of(f.k1, f.k2), List.of(f.k1));
        assertCode(Code.KEY_REVOKED, "release manifest: key " + f.k1.keyId(),
                () -> t.verify("release manifest", content, Fixture.sign(content, f.k1)));
    }

    @Test
    void quorumNeedsKDistinctAdmittedSigners() {
        Trust t = f.trust(WitnessMode.QUORUM, 2, List.of(f.k1, f.k2, f.k3), List.of());
        assertEquals(Set.of(f.k1.keyId(), f.k3.keyId()), t.verify("feed", content, Fixture.sign(content, f.k1, f.k3)));
        assertCode(Code.QUORUM_NOT_MET, "feed: 1 distinct valid admitted signer(s), quorum-witness needs 2",
                () -> t.verify("feed", content, Fixture.sign(content, f.k2)));
    }

    @Test
    void namesWhoseSignatureFileIsCutShort() {
        Trust t = f.trust(WitnessMode.QUORUM, 1, List.of(f.k1), List.of());
        byte[] cut = java.util.Arrays.copyOf(Fixture.sign(content, f.k1), 50);
        assertCode(Code.CBOR_TRUNCATED, "release manifest signature file: CBOR: input ends at offset 50",
                () -> t.verify("release manifest", content, cut));
    }

    @Test
    void rejectsQuorumOfTwoMetBySameKeyTwice() {
        Trust t = f.trust(WitnessMode.QUORUM, 2, List.of(f.k1, f.k2), List.of());
        SignatureFile.Entry once = SignatureFile.decode(Fixture.sign(content, f.k1)).signatures().get(0);
        byte[] twice = new SignatureFile(List.of(once, once)).encode();
        assertCode(Code.QUORUM_NOT_MET, "feed: 1 distinct valid admitted signer(s)", () -> t.verify("feed", content, twice));
    }

    @Test
    void quorumCountsNoRevokedOrForeignSigner() {
        Trust t = f.trust(WitnessMode.QUORUM, 2, List.of(f.k1, f.k2, f.k3), List.of(f.k3));
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> t.verify("feed", content, Fixture.sign(content, f.k1, f.k3, f.stranger)));
        assertEquals(Code.QUORUM_NOT_MET, e.code());
        assertTrue(e.getMessage().contains("key " + f.k3.keyId() + " is revoked"), e.getMessage());
        assertTrue(e.getMessage().contains("key " + f.stranger.keyId() + " is unknown"), e.getMessage());
    }

    @Test
    void selfAuthorityAcceptsThePinnedRoot() {
        Trust t = f.trust(WitnessMode.SELF, 1, List.of(), List.of());
        assertEquals(Set.of(f.root.keyId()), t.verify("feed", content, Fixture.sign(content, f.root)));
        assertCode(Code.KEY_UNKNOWN, "feed: key " + f.k1.keyId(), () -> t.verify("feed", content, Fixture.sign(content, f.k1)));
    }

    @Test
    void rejectsAdmissionRecordSignedByNonRootKey() {
        byte[] record = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of()).encode();
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, "admission record is not signed by a pinned root",
                () -> Trust.establish(f.roots, record, Fixture.sign(record, f.k1)));
    }

    @Test
    void checksTheAdmissionSignatureBeforeParsingAByte() {
        byte[] garbage = {(byte) 0xfc, 1, 2, 3};
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, "admission record is not signed by a pinned root",
                () -> Trust.establish(f.roots, garbage, Fixture.sign(garbage, f.stranger)));
        assertCode(Code.MALFORMED_INPUT, "", () -> Trust.establish(f.roots, garbage, Fixture.sign(garbage, f.root)));
    }

    @Test
    void rejectsAdmissionRecordRevokingTheRootThatSignedIt() {
        byte[] record = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of(f.root)).encode();
        assertCode(Code.ADMISSION_REVOKES_SIGNER, "admission record for domain 'system' revokes " + f.root.keyId()
                + ", the root that signed it", () -> Trust.establish(f.roots, record, Fixture.sign(record, f.root)));
    }

    @Test
    void rejectsAdmissionRecordWithBrokenRootSignature() {
        byte[] record = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of()).encode();
        byte[] sig = Fixture.sign(record, f.root);
        record[record.length - 1] ^= 1;
        assertCode(Code.SIG_INVALID, "admission record signature by root " + f.root.keyId(),
                () -> Trust.establish(f.roots, record, sig));
    }

    @Test
    void loadsTrustFromTheStateTree(@TempDir Path state) {
        Packaging.pinRoot(state, "root", f.root.publicKey());
        Packaging.writeAdmission(state, f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of()), f.root);
        assertTrue(Files.exists(state.resolve("asl-host/domains/system/admission/dam.sig")));
        Trust t = Trust.load(state, "system");
        assertEquals(List.of(f.root.keyId()), t.roots().ids());
        assertEquals(Fixture.COMPATIBLE, t.admission().compatible());
        assertCode(Code.HOST_NOT_FOUND, "no such file: " + state.resolve("asl-host/domains/other/admission/dam.cbor"),
                () -> Trust.load(state, "other"));
    }

    @Test
    void theMirrorIsCheckedAgainstTheAnchorFileByFile(@TempDir Path dir) throws Exception {
        Path anchor = Files.createDirectories(dir.resolve("anchor"));
        Files.write(anchor.resolve("root.pub"), Ed25519.toPem(f.root.publicKey()));
        Path state = dir.resolve("state");
        Packaging.pinRoot(state, "root", f.root.publicKey());
        Packaging.pinRoot(state, "rogue", f.stranger.publicKey());
        Files.writeString(state.resolve(Trust.ROOTS_DIR).resolve("junk.pub"), "not a key");
        List<RootMirror.Refusal> refused = Trust.refusedMirrorRoots(anchor, state);
        assertEquals(List.of("junk.pub", "rogue.pub"), refused.stream().map(RootMirror.Refusal::file).toList());
        assertEquals(List.of(Code.KEY_FORMAT, Code.ROOT_NOT_ANCHORED), refused.stream().map(RootMirror.Refusal::code).toList());
    }

    @Test
    void anAdmissionRecordSignedByAMirrorOnlyRootIsRootNotAnchored(@TempDir Path dir) throws Exception {
        Path anchor = Files.createDirectories(dir.resolve("anchor"));
        Files.write(anchor.resolve("root.pub"), Ed25519.toPem(f.root.publicKey()));
        Path state = dir.resolve("state");
        Packaging.pinRoot(state, "rogue", f.stranger.publicKey());
        Packaging.writeAdmission(state, f.record(WitnessMode.SINGLE, 1, List.of(f.stranger), List.of()), f.stranger);
        assertCode(Code.ROOT_NOT_ANCHORED, "admission record is signed by root " + f.stranger.keyId()
                + ", which only the state partition's mirror", () -> Trust.load(anchor, state, "system", Optional.empty()));
        Files.delete(state.resolve(Trust.ROOTS_DIR).resolve("rogue.pub"));
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, "admission record is not signed by a pinned root",
                () -> Trust.load(anchor, state, "system", Optional.empty()));
    }

    @Test
    void rejectsAnEmptyTrustStore(@TempDir Path state) throws Exception {
        Files.createDirectories(state.resolve(Trust.ROOTS_DIR));
        assertCode(Code.HOST_NOT_FOUND, "trust store " + state.resolve(Trust.ROOTS_DIR) + " holds no *.pub root key",
                () -> TrustStore.load(state.resolve(Trust.ROOTS_DIR)));
    }

    @Test
    void admissionRecordRoundTripsAndValidatesItsThreshold() {
        AdmissionRecord r = f.record(WitnessMode.QUORUM, 2, List.of(f.k1, f.k2), List.of(f.k3));
        assertEquals(r.keys().keySet(), AdmissionRecord.decode(r.encode()).keys().keySet());
        assertEquals(r.revoked(), AdmissionRecord.decode(r.encode()).revoked());
        assertCode(Code.SCHEMA_VIOLATION, "admission record: quorum threshold 3 must be 1..2",
                () -> f.record(WitnessMode.QUORUM, 3, List.of(f.k1, f.k2), List.of()));
        assertCode(Code.SCHEMA_VIOLATION, "admission record: single-witness needs threshold 1, not 2",
                () -> f.record(WitnessMode.SINGLE, 2, List.of(f.k1, f.k2), List.of()));
    }

    /** Fuzz finding: keys and revoked ids out of order were accepted and re-encoded sorted. */
    @Test
    void rejectsAdmissionRecordWithKeysOrRevokedIdsOutOfOrder() {
        List<SigningKey> descending = new java.util.ArrayList<>(List.of(f.k1, f.k2));
        descending.sort(java.util.Comparator.comparing(SigningKey::keyId).reversed());
        assertCode(Code.SCHEMA_VIOLATION, "admission record: keys are not in key-id order",
                () -> AdmissionRecord.decode(admission(descending.stream().map(SigningKey::publicKey).toList(), List.of())));
        assertCode(Code.SCHEMA_VIOLATION, "admission record: revoked key ids are not in order",
                () -> AdmissionRecord.decode(admission(List.of(f.k3.publicKey()),
                        descending.stream().map(k -> k.keyId().bytes()).toList())));
        assertCode(Code.SCHEMA_VIOLATION, "admission record: revokes key " + f.k1.keyId() + " twice",
                () -> AdmissionRecord.decode(admission(List.of(f.k3.publicKey()),
                        List.of(f.k1.keyId().bytes(), f.k1.keyId().bytes()))));
    }

    private static byte[] admission(List<byte[]> keys, List<byte[]> revoked) {
        return Cbor.encode(Cbor.map()
                .put("schema", AdmissionRecord.SCHEMA)
                .put("domain", "system")
                .put("compatible", Fixture.COMPATIBLE)
                .put("policy", Fixture.POLICY.bytes())
                .put("witness", WitnessMode.QUORUM.text())
                .put("threshold", 1)
                .put("keys", keys.stream().<CborValue>map(CborValue.Bytes::new).toList())
                .put("revoked", revoked.stream().<CborValue>map(CborValue.Bytes::new).toList())
                .build());
    }

    @Test
    void decisionCarriesTheCode() {
        Decision deny = Decision.of(() -> f.single().verify("feed", content, Fixture.sign(content, f.k3)));
        assertFalse(deny.allowed());
        assertEquals(Code.KEY_REVOKED, deny.code());
        assertTrue(deny.toString().startsWith("DENY KEY_REVOKED: feed: key "), deny.toString());
        assertTrue(Decision.of(() -> "ok").allowed());
    }
}
