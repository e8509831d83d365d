package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.format.BundleManifest;

/** {@link BundleManifest#decode} (bundle manifest): canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class BundleManifestFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> BundleManifest.decode(input))
                .ifPresent(v -> assertArrayEquals(input, v.encode(), "decode -> encode changed the bytes"));
    }
}
