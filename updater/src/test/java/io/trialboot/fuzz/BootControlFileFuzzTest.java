package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.bootctl.BootControlFile;

/**
 * {@link BootControlFile#decode}: stage 0 reads the same file with busybox {@code read}/{@code case},
 * so the file has one spelling: whatever decodes re-encodes to the same bytes.
 */
class BootControlFileFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Oracle.outcome(() -> BootControlFile.decode(input))
                .ifPresent(f -> assertArrayEquals(input, f.encode(), "decode -> encode changed the bytes"));
    }
}
