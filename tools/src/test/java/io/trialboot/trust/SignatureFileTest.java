package io.trialboot.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureFileTest {
    private static void rejects(Code code, String messageStart, byte[] bytes) {
        TrialbootException e = assertThrows(TrialbootException.class, () -> SignatureFile.decode(bytes));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    private static byte[] file(CborValue entry, int copies) {
        List<CborValue> items = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            items.add(entry);
        }
        return Cbor.encode(Cbor.map().put("schema", SignatureFile.SCHEMA).put("signatures", items).build());
    }

    @Test
    void rejectsASignatureOfTheWrongLength() {
        rejects(Code.SCHEMA_VIOLATION, "signature file entry field 'sig' has 63 bytes, expected 64",
                file(Cbor.map().put("key", new byte[8]).put("sig", new byte[63]).build(), 1));
    }

    @Test
    void rejectsAKeyIdOfTheWrongLength() {
        rejects(Code.SCHEMA_VIOLATION, "signature file entry field 'key' has 32 bytes, expected 8",
                file(Cbor.map().put("key", new byte[32]).put("sig", new byte[64]).build(), 1));
    }

    @Test
    void rejectsMoreSignaturesThanTheBound() {
        rejects(Code.HOST_INPUT_OVERSIZE, "signature file field 'signatures' is 17",
                file(Cbor.map().put("key", new byte[8]).put("sig", new byte[64]).build(), 17));
    }

    @Test
    void rejectsAnOversizeFileBeforeDecoding() {
        rejects(Code.HOST_INPUT_OVERSIZE, "signature file is 4097 bytes", new byte[4097]);
    }

    @Test
    void rejectsAnUnknownWitnessMode() {
        TrialbootException e = assertThrows(TrialbootException.class, () -> WitnessMode.parse("two-man-rule"));
        assertEquals("SCHEMA_VIOLATION: witness mode 'two-man-rule' is not single-witness, quorum-witness or self-authority",
                e.getMessage());
    }

    @Test
    void rejectsAnAdmissionRecordWithAMalformedRevokedId() {
        Fixture f = new Fixture();
        CborValue.CMap good = (CborValue.CMap) Cbor.decode(f.single().admission().encode());
        java.util.Map<String, CborValue> fields = new java.util.HashMap<>(good.entries());
        fields.put("revoked", new CborValue.Array(List.of(new CborValue.Bytes(new byte[7]))));
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> AdmissionRecord.decode(Cbor.encode(new CborValue.CMap(fields))));
        assertEquals("SCHEMA_VIOLATION: admission record: revoked entry is not an 8-byte key id", e.getMessage());
    }
}
