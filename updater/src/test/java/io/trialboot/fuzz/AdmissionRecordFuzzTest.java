package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.trust.AdmissionRecord;

/** {@link AdmissionRecord#decode} (admission record): canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class AdmissionRecordFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> AdmissionRecord.decode(input))
                .ifPresent(v -> assertArrayEquals(input, v.encode(), "decode -> encode changed the bytes"));
    }
}
