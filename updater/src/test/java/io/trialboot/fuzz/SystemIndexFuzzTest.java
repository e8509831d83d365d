package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.format.SystemIndex;

/** {@link SystemIndex#decode} (system-set index): canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class SystemIndexFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> SystemIndex.decode(input))
                .ifPresent(v -> assertArrayEquals(input, v.encode(), "decode -> encode changed the bytes"));
    }
}
