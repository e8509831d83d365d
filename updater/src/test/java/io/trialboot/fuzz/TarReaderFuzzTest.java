package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import io.trialboot.format.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link TarReader}, reading every entry whole. The reader accepts exactly what the writer makes:
 * an archive it reads is byte for byte what {@link TarWriter} writes for the entries it read.
 */
class TarReaderFuzzTest {
    /** Far above any fuzz input, so the entry bound and not the archive bound is what gets hit. */
    static final long ARCHIVE_LIMIT = 1 << 20;
    static final int ENTRY_LIMIT = 16 * 1024;

    @FuzzTest
    void read(byte[] input) throws Exception {
        Oracle.outcome(() -> entries(input)).ifPresent(entries -> assertEquals(true,
                Arrays.equals(input, TarWriter.write(entries)), "an archive read is not the one written for its entries"));
    }

    private static Map<String, byte[]> entries(byte[] archive) {
        TarReader r = new TarReader(new ByteArrayInputStream(archive), ARCHIVE_LIMIT, ENTRY_LIMIT);
        Map<String, byte[]> out = new LinkedHashMap<>();
        Optional<TarEntry> e;
        while ((e = r.next()).isPresent()) {
            out.put(e.get().name(), r.readContent(ENTRY_LIMIT));
        }
        return out;
    }
}
