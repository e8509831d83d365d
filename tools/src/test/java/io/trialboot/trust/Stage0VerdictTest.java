package io.trialboot.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.tools.Packaging;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 0's verdict (docs/verified-boot.md#stage-0s-verdict): read only in its one exact form; an
 * admission record is taken on it only when its bytes are the ones stage 0 verified, under the name
 * it verified them as, signed by an anchored root; everything else gets the JDK's full check. The
 * system set's signers are judged without a second signature check only on the slot the verdict is
 * for, under the record it vouched for, and by the same key rules as always.
 */
class Stage0VerdictTest {
    private static final Sha256 VERITY = Sha256.of("verity".getBytes(StandardCharsets.US_ASCII));
    private final Fixture f = new Fixture();
    private final byte[] record = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of(f.k3)).encode();
    private final byte[] content = "system-set index".getBytes(StandardCharsets.US_ASCII);

    private Stage0Verdict verdict(String file, byte[] bytes, Slot slot) {
        return new Stage0Verdict(file, Sha256.of(bytes), f.root.keyId(), slot, VERITY);
    }

    private static void assertCode(Code code, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
    }

    /** A signature file with {@code signer}'s key id whose signature is not {@code signer}'s over anything. */
    private static byte[] bogus(KeyId signer) {
        return new SignatureFile(List.of(new SignatureFile.Entry(signer, new byte[Ed25519.SIGNATURE_BYTES]))).encode();
    }

    @Test
    void theFileRoundTripsInItsOneForm() {
        Stage0Verdict v = verdict("000002/dam.cbor", record, Slot.B);
        String text = "schema=trialboot.stage0-verdict/1\nadmission=000002/dam.cbor\nadmission_sha256="
                + Sha256.of(record).hex() + "\nadmission_root=" + f.root.keyId().hex() + "\nslot=b\nverity_root="
                + VERITY.hex() + "\n";
        assertEquals(text, new String(v.encode(), StandardCharsets.US_ASCII));
        assertEquals(v, Stage0Verdict.parse(v.encode()));
    }

    @Test
    void anyOtherFormIsMalformed() {
        String good = new String(verdict("dam.cbor", record, Slot.A).encode(), StandardCharsets.US_ASCII);
        List<String> garbled = List.of("", good.substring(0, good.length() - 1), good + "\n", good + "extra=1\n",
                good.replace("schema=trialboot.stage0-verdict/1", "schema=trialboot.stage0-verdict/2"),
                good.replace("slot=a", "slot=c"), good.replace("admission=dam.cbor", "admission=dam.sig"),
                good.replace("admission=dam.cbor", "admission=../dam.cbor"),
                good.replace("admission=dam.cbor", "admission=x1/dam.cbor"),
                good.replace("admission_root=" + f.root.keyId().hex(), "admission_root=" + f.root.keyId().hex().toUpperCase()),
                good.replace(Sha256.of(record).hex(), Sha256.of(record).hex().substring(1)),
                good.replace("slot=a\n", "") + "slot=a\n", good.replace("\n", "\r\n"), good.replace("slot=a", "slot=\u00e1"),
                good.replace("verity_root=", "verity_root=" + "0".repeat(1024)));
        for (String g : garbled) {
            assertCode(Code.MALFORMED_INPUT, () -> Stage0Verdict.parse(g.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void noFileIsNoVerdictAndAnOversizeOneIsMalformed(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), Stage0Verdict.read(dir.resolve(Stage0Verdict.FILE)));
        Files.write(dir.resolve(Stage0Verdict.FILE), new byte[Stage0Verdict.MAX_BYTES + 1]);
        assertCode(Code.MALFORMED_INPUT, () -> Stage0Verdict.read(dir.resolve(Stage0Verdict.FILE)));
    }

    @Test
    void aRecordStageZeroVerifiedIsTakenWithoutASignatureCheck() {
        // The signature file does not verify: the record is taken on the verdict alone.
        Trust t = Trust.establish(f.roots, "dam.cbor", record, bogus(f.root.keyId()),
                Optional.of(verdict("dam.cbor", record, Slot.A)));
        assertEquals(f.root.keyId(), t.admittedBy());
        assertEquals(Set.of(f.k1.keyId()), t.admission().keys().keySet());
        assertTrue(t.vouchedBy().isPresent());
        assertTrue(t.coversSlot(Slot.A));
        assertFalse(t.coversSlot(Slot.B));
    }

    @Test
    void aVerdictForOtherBytesOrAnotherFileGetsTheFullCheck() {
        byte[] other = f.record(WitnessMode.SINGLE, 1, List.of(f.k2), List.of()).encode();
        for (Stage0Verdict v : List.of(verdict("dam.cbor", other, Slot.A), verdict("000001/dam.cbor", record, Slot.A))) {
            assertCode(Code.SIG_INVALID, () -> Trust.establish(f.roots, "dam.cbor", record, Fixture.sign(other, f.root),
                    Optional.of(v)));
            Trust checked = Trust.establish(f.roots, "dam.cbor", record, Fixture.sign(record, f.root), Optional.of(v));
            assertFalse(checked.vouchedBy().isPresent(), "checked here, not taken on the verdict");
            assertFalse(checked.coversSlot(Slot.A));
        }
    }

    @Test
    void aRecordChangedAfterStageZeroVerifiedItIsNeverTrusted() {
        Optional<Stage0Verdict> v = Optional.of(verdict("dam.cbor", record, Slot.A));
        byte[] changed = record.clone();
        changed[changed.length - 1] ^= 1;
        assertCode(Code.SIG_INVALID, () -> Trust.establish(f.roots, "dam.cbor", changed, Fixture.sign(record, f.root), v));
        // Re-signed by a stranger, it is the full check's refusal too.
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, () -> Trust.establish(f.roots, "dam.cbor", changed,
                Fixture.sign(changed, f.stranger), v));
    }

    @Test
    void aVerdictNamingARootTheAnchorLacksGetsTheFullCheck() {
        Optional<Stage0Verdict> v = Optional.of(new Stage0Verdict("dam.cbor", Sha256.of(record), f.stranger.keyId(),
                Slot.A, VERITY));
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, () -> Trust.establish(f.roots, "dam.cbor", record,
                Fixture.sign(record, f.stranger), v));
    }

    @Test
    void aVouchedRecordRevokingItsOwnRootIsStillRefused() {
        byte[] self = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of(f.root)).encode();
        assertCode(Code.ADMISSION_REVOKES_SIGNER, () -> Trust.establish(f.roots, "dam.cbor", self, bogus(f.root.keyId()),
                Optional.of(verdict("dam.cbor", self, Slot.A))));
    }

    @Test
    void onTheCoveredSlotSignersAreJudgedByTheKeyRulesWithoutTheSignatureMath() {
        Trust t = Trust.establish(f.roots, "dam.cbor", record, bogus(f.root.keyId()),
                Optional.of(verdict("dam.cbor", record, Slot.A)));
        SignatureFile k1 = SignatureFile.decode(bogus(f.k1.keyId()));
        assertEquals(Set.of(f.k1.keyId()), t.verifyFromBootedSlot("system-set index", content, k1, Slot.A));
        assertCode(Code.KEY_REVOKED, () -> t.verifyFromBootedSlot("index", content,
                SignatureFile.decode(Fixture.sign(content, f.k3)), Slot.A));
        assertCode(Code.KEY_UNKNOWN, () -> t.verifyFromBootedSlot("index", content,
                SignatureFile.decode(Fixture.sign(content, f.stranger)), Slot.A));
        assertCode(Code.KEY_NOT_ADMITTED, () -> t.verifyFromBootedSlot("index", content,
                SignatureFile.decode(Fixture.sign(content, f.root)), Slot.A));
        assertCode(Code.SIG_MISSING, () -> t.verifyFromBootedSlot("index", content, new SignatureFile(List.of()), Slot.A));
        // Another slot, or a trust checked here: the signature itself is checked.
        assertCode(Code.SIG_INVALID, () -> t.verifyFromBootedSlot("index", content, k1, Slot.B));
        assertCode(Code.SIG_INVALID, () -> f.single().verifyFromBootedSlot("index", content, k1, Slot.A));
        assertEquals(Set.of(f.k1.keyId()), f.single().verifyFromBootedSlot("index", content,
                SignatureFile.decode(Fixture.sign(content, f.k1)), Slot.A));
    }

    @Test
    void onTheCoveredSlotAQuorumIsStillCountedInDistinctAdmittedSigners() {
        byte[] quorum = f.record(WitnessMode.QUORUM, 2, List.of(f.k1, f.k2), List.of()).encode();
        Trust t = Trust.establish(f.roots, "dam.cbor", quorum, bogus(f.root.keyId()),
                Optional.of(verdict("dam.cbor", quorum, Slot.A)));
        SignatureFile.Entry k1 = new SignatureFile.Entry(f.k1.keyId(), new byte[Ed25519.SIGNATURE_BYTES]);
        SignatureFile.Entry k2 = new SignatureFile.Entry(f.k2.keyId(), new byte[Ed25519.SIGNATURE_BYTES]);
        assertCode(Code.QUORUM_NOT_MET, () -> t.verifyFromBootedSlot("index", content, new SignatureFile(List.of(k1, k1)),
                Slot.A));
        assertEquals(Set.of(f.k1.keyId(), f.k2.keyId()),
                t.verifyFromBootedSlot("index", content, new SignatureFile(List.of(k1, k2)), Slot.A));
    }

    @Test
    void hostToolsNeverReadAVerdict(@TempDir Path state) throws Exception {
        // A verdict planted beside the mirror (anyone with the disk can write /state) changes nothing.
        Packaging.pinRoot(state, "root", f.root.publicKey());
        Packaging.writeAdmission(state, f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of(f.k3)), f.stranger);
        byte[] planted = Files.readAllBytes(state.resolve(Trust.admissionDir("system")).resolve(Trust.ADMISSION_FILE));
        assertArrayEquals(record, planted);
        Files.write(state.resolve(Trust.ROOTS_DIR).resolve(Stage0Verdict.FILE), verdict("dam.cbor", planted, Slot.A).encode());
        assertCode(Code.ADMISSION_NOT_ROOT_SIGNED, () -> Trust.load(state, "system"));
    }
}
