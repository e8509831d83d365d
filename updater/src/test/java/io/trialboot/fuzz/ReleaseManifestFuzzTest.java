package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.format.ReleaseManifest;

/** {@link ReleaseManifest#decode}: canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class ReleaseManifestFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> ReleaseManifest.decode(input))
                .ifPresent(m -> assertArrayEquals(input, m.encode(), "decode -> encode changed the bytes"));
    }
}
