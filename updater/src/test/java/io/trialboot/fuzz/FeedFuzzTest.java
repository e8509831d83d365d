package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.format.Feed;

/** {@link Feed#decode} (feed): canonical CBOR, so whatever it accepts re-encodes to the same bytes. */
class FeedFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> Feed.decode(input))
                .ifPresent(v -> assertArrayEquals(input, v.encode(), "decode -> encode changed the bytes"));
    }
}
