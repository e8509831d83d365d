package io.trialboot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleTest {
    private final byte[] payload = {1, 2, 3};
    private final BundleManifest manifest = new BundleManifest("hello", Version.parse("1.0.0"), "dev", List.of("net", "console"),
            "java -jar payload.jar", Sha256.of(payload), payload.length);

    private static void rejects(Code code, String messageStart, byte[] nxb) {
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> Bundle.read(new ByteArrayInputStream(nxb), OutputStream.nullOutputStream()));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void packsAndReadsBackWithSortedAbilities() {
        byte[] nxb = Bundle.pack("hello", Version.parse("1.0.0"), "dev", List.of("net", "console"), "java -jar payload.jar", payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BundleManifest m = Bundle.read(new ByteArrayInputStream(nxb), out);
        assertEquals(manifest, m);
        assertEquals(List.of("console", "net"), m.abilities());
        assertEquals(3, out.size());
    }

    @Test
    void rejectsAPayloadOfAnotherSize() {
        rejects(Code.SIZE_MISMATCH, "bundle hello payload is 4 bytes, its manifest says 3",
                TarWriter.write(Map.of(Bundle.MANIFEST_ENTRY, manifest.encode(), Bundle.PAYLOAD_ENTRY, new byte[4])));
    }

    @Test
    void rejectsAMissingManifest() {
        rejects(Code.SCHEMA_VIOLATION, "bundle entry 'manifest.cbor' expected, found 'payload.jar'",
                TarWriter.write(Map.of(Bundle.PAYLOAD_ENTRY, payload)));
    }

    @Test
    void rejectsExtraEntries() {
        rejects(Code.SCHEMA_VIOLATION, "bundle hello holds an unexpected entry 'run.sh'", TarWriter.write(Map.of(
                Bundle.MANIFEST_ENTRY, manifest.encode(), Bundle.PAYLOAD_ENTRY, payload, "run.sh", new byte[1])));
    }

    /** Fuzz finding: abilities out of order were accepted and re-encoded sorted (two spellings of one manifest). */
    @Test
    void rejectsAbilitiesOutOfOrder() {
        byte[] unsorted = Cbor.encode(Cbor.map()
                .put("schema", BundleManifest.SCHEMA)
                .put("name", "hello")
                .put("version", "1.0.0")
                .put("publisher", "dev")
                .put("abilities", List.of(new CborValue.Text("net"), new CborValue.Text("console")))
                .put("start", "java -jar payload.jar")
                .put("payload_sha256", Sha256.of(payload).bytes())
                .put("payload_size", payload.length)
                .build());
        rejects(Code.SCHEMA_VIOLATION, "bundle manifest field 'abilities' are not in sorted order",
                TarWriter.write(Map.of(Bundle.MANIFEST_ENTRY, unsorted, Bundle.PAYLOAD_ENTRY, payload)));
    }

    @Test
    void rejectsBadNamesAndDuplicateAbilities() {
        TrialbootException name = assertThrows(TrialbootException.class, () -> new BundleManifest("Hello", Version.parse("1.0.0"),
                "dev", List.of(), "run", Sha256.of(payload), 3));
        assertTrue(name.getMessage().startsWith("SCHEMA_VIOLATION: bundle name 'Hello' must match"), name.getMessage());
        TrialbootException dup = assertThrows(TrialbootException.class, () -> new BundleManifest("hello", Version.parse("1.0.0"),
                "dev", List.of("net", "net"), "run", Sha256.of(payload), 3));
        assertEquals("SCHEMA_VIOLATION: bundle hello lists an ability twice", dup.getMessage());
    }
}
