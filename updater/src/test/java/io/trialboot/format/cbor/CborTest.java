package io.trialboot.format.cbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CborTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static void rejects(Code code, String hexInput, String messageStart) {
        TrialbootException e = assertThrows(TrialbootException.class, () -> Cbor.decode(hex(hexInput)));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": CBOR: " + messageStart), e.getMessage());
    }

    @Test
    void encodesShortestHeadsAndSortsKeysByEncodedBytes() {
        CborValue v = Cbor.map().put("bb", 1).put("a", 1000).put("c", new byte[] {1, 2}).put("t", new CborValue.Bool(true)).build();
        // "a" < "c" < "t" < "bb": shorter keys sort first because the length is in the head.
        assertEquals("a4 6161 1903e8 6163 420102 6174 f5 626262 01".replace(" ", ""),
                HexFormat.of().formatHex(Cbor.encode(v)));
    }

    @Test
    void decodesWhatItEncodes() {
        CborValue v = Cbor.map().put("n", Long.MAX_VALUE).put("list", List.of(new CborValue.Text("é"),
                new CborValue.UInt(23), new CborValue.UInt(24), new CborValue.Bool(false))).build();
        assertEquals(v, Cbor.decode(Cbor.encode(v)));
    }

    @Test
    void rejectsEmptyInputAsTruncated() {
        rejects(Code.CBOR_TRUNCATED, "", "input is empty");
    }

    @Test
    void rejectsTruncatedItem() {
        rejects(Code.CBOR_TRUNCATED, "a1 6161", "input ends at offset 3");
    }

    @Test
    void rejectsStringLongerThanTheInput() {
        rejects(Code.CBOR_TRUNCATED, "45 0102", "byte string at offset 0 declares 5 bytes");
    }

    @Test
    void rejectsHugeDeclaredStringLengthAsOversize() {
        rejects(Code.HOST_INPUT_OVERSIZE, "5b 0000000100000000 00", "byte string at offset 0 declares 4294967296 bytes");
    }

    @Test
    void rejectsHugeDeclaredArrayCountAsOversize() {
        rejects(Code.HOST_INPUT_OVERSIZE, "9a 00010000", "array at offset 0 declares 65536 items");
    }

    @Test
    void rejectsArrayCountBeyondTheInputBeforeAllocating() {
        rejects(Code.CBOR_TRUNCATED, "98 64 01", "array at offset 0 declares 100 items");
    }

    @Test
    void rejectsTrailingBytes() {
        rejects(Code.CBOR_TRAILING_BYTES, "01 02", "1 bytes follow the item at offset 1");
    }

    @Test
    void rejectsLongFormIntegers() {
        rejects(Code.CBOR_NOT_CANONICAL, "18 17", "argument 23 at offset 0 is not in its shortest form");
        rejects(Code.CBOR_NOT_CANONICAL, "19 00ff", "argument 255");
        rejects(Code.CBOR_NOT_CANONICAL, "1b 00000000ffffffff", "argument 4294967295");
    }

    @Test
    void rejectsUnsortedKeys() {
        rejects(Code.CBOR_NOT_CANONICAL, "a2 6162 01 6161 02", "map key \"a\" is out of canonical order");
    }

    @Test
    void rejectsDuplicateKeys() {
        rejects(Code.CBOR_DUPLICATE_KEY, "a2 6161 01 6161 02", "map key \"a\" appears twice");
    }

    @Test
    void rejectsIndefiniteLengths() {
        rejects(Code.CBOR_INDEFINITE_LENGTH, "9f 01 ff", "indefinite length at offset 0");
        rejects(Code.CBOR_INDEFINITE_LENGTH, "7f 6161 ff", "indefinite length");
    }

    @Test
    void rejectsNestingDeeperThanTheBound() {
        rejects(Code.CBOR_TOO_DEEP, "81 81 81 81 81 81 81 81 81 01", "array at offset 8 nests deeper than 8");
        assertEquals(8, depth(Cbor.decode(hex("81 81 81 81 81 81 81 81 01"))));
    }

    private static int depth(CborValue v) {
        return v instanceof CborValue.Array a ? 1 + depth(a.items().get(0)) : 0;
    }

    @Test
    void rejectsItemsNoFormatUses() {
        rejects(Code.CBOR_UNSUPPORTED, "20", "negative integer");
        rejects(Code.CBOR_UNSUPPORTED, "c1 01", "tag");
        rejects(Code.CBOR_UNSUPPORTED, "f9 3c00", "float or simple value");
        rejects(Code.CBOR_UNSUPPORTED, "f6", "float or simple value");
        rejects(Code.CBOR_UNSUPPORTED, "a1 01 01", "map key at offset 1 is not a text string");
        rejects(Code.CBOR_UNSUPPORTED, "1b 8000000000000000", "integer beyond 2^63-1");
    }

    @Test
    void rejectsInvalidUtf8() {
        rejects(Code.MALFORMED_INPUT, "62 c328", "text string at offset 0 is not valid UTF-8");
    }

    @Test
    void fieldsRejectWrongTypesMissingAndUnknownFields() {
        CborValue v = Cbor.decode(Cbor.encode(Cbor.map().put("schema", "x/1").put("n", "seven").put("extra", 1).build()));
        Fields f = Fields.of(v, "doc").schema("x/1");
        TrialbootException wrongType = assertThrows(TrialbootException.class, () -> f.uint("n"));
        assertEquals(Code.SCHEMA_VIOLATION, wrongType.code());
        assertEquals("SCHEMA_VIOLATION: doc field 'n' is not an unsigned integer", wrongType.getMessage());
        TrialbootException missing = assertThrows(TrialbootException.class, () -> f.text("name"));
        assertEquals("SCHEMA_VIOLATION: doc lacks the field 'name'", missing.getMessage());
        TrialbootException unknown = assertThrows(TrialbootException.class, f::end);
        assertEquals("SCHEMA_VIOLATION: doc has an unknown field 'extra'", unknown.getMessage());
    }

    @Test
    void fieldsRejectAnotherSchema() {
        CborValue v = Cbor.map().put("schema", "trialboot.feed/1").build();
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> Fields.of(v, "release manifest").schema("trialboot.manifest/1"));
        assertEquals(Code.SCHEMA_MISMATCH, e.code());
        assertEquals("SCHEMA_MISMATCH: release manifest has schema 'trialboot.feed/1', expected 'trialboot.manifest/1'",
                e.getMessage());
    }
}
