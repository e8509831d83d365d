package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.trust.SignatureFile;

/** {@link SignatureFile#decode} (signature file): canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class SignatureFileFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> SignatureFile.decode(input))
                .ifPresent(v -> assertArrayEquals(input, v.encode(), "decode -> encode changed the bytes"));
    }
}
