package io.trialboot.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.tar.TarWriter;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.Trust;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemSetTest {
    private final Fixture f = new Fixture();
    private final Trust trust = f.single();
    private final byte[] hello = Bundle.pack("hello", Version.parse("1.0.0"), "trialboot dev", List.of("console"),
            "java -jar payload.jar", "hello payload".getBytes(StandardCharsets.UTF_8));
    private final byte[] clock = Bundle.pack("clock", Version.parse("2.1.0"), "trialboot dev", List.of(),
            "java -jar payload.jar", "clock payload".getBytes(StandardCharsets.UTF_8));

    private byte[] index(byte[] helloBytes) {
        return new SystemIndex(Version.parse("1.0.0"), "trialboot dev", List.of(
                new SystemIndex.BundleRef("clock", Version.parse("2.1.0"), Sha256.of(clock), clock.length),
                new SystemIndex.BundleRef("hello", Version.parse("1.0.0"), Sha256.of(helloBytes), helloBytes.length))).encode();
    }

    private static SystemSet.Verified verify(byte[] nxs, Trust trust) {
        return SystemSet.verify(new ByteArrayInputStream(nxs), trust, Optional.empty());
    }

    private void rejects(Code code, String messageStart, byte[] nxs) {
        TrialbootException e = assertThrows(TrialbootException.class, () -> verify(nxs, trust));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    private byte[] set(byte[] index, byte[] sig, Map<String, byte[]> bundles) {
        return SystemSet.pack(index, sig, bundles);
    }

    private byte[] good() {
        byte[] index = index(hello);
        return set(index, Fixture.sign(index, f.k1), Map.of("hello", hello, "clock", clock));
    }

    @Test
    void verifiesIndexSignatureAndEveryBundle() {
        SystemSet.Verified v = verify(good(), trust);
        assertEquals(List.of("clock", "hello"), v.bundles().stream().map(SystemIndex.BundleRef::name).toList());
        assertEquals(Sha256.of(index(hello)), v.indexSha256());
        assertEquals(java.util.Set.of(f.k1.keyId()), v.signers());
    }

    @Test
    void extractsBundlesWhileVerifying(@TempDir Path dir) throws Exception {
        Path nxs = dir.resolve("system.nxs");
        Files.write(nxs, good());
        Path out = Files.createDirectory(dir.resolve("bundles"));
        SystemSet.verifyAndExtract(nxs, trust, out);
        assertArrayEquals(hello, Files.readAllBytes(out.resolve("hello.nxb")));
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        BundleManifest m = Bundle.read(Files.newInputStream(out.resolve("hello.nxb")), payload);
        assertEquals("hello payload", payload.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("console"), m.abilities());
    }

    @Test
    void rejectsUnsignedSystemSet() {
        byte[] index = index(hello);
        Map<String, byte[]> entries = new TreeMap<>(Map.of("hello.nxb", hello, "clock.nxb", clock, SystemSet.INDEX_ENTRY, index));
        rejects(Code.SIG_MISSING, "system set has no system.sig.ed25519 (unsigned)", TarWriter.write(entries));
    }

    @Test
    void rejectsInvalidSignature() {
        byte[] index = index(hello);
        rejects(Code.SIG_INVALID, "system-set index: signature by key " + f.k1.keyId(),
                set(index, Fixture.sign(index(clock), f.k1), Map.of("hello", hello, "clock", clock)));
    }

    @Test
    void rejectsTamperedIndex() {
        byte[] index = index(hello);
        byte[] sig = Fixture.sign(index, f.k1);
        byte[] tampered = index.clone();
        tampered[tampered.length - 1] ^= 1;
        rejects(Code.SIG_INVALID, "system-set index: signature", set(tampered, sig, Map.of("hello", hello, "clock", clock)));
    }

    @Test
    void rejectsIndexSignedByUnknownKey() {
        byte[] index = index(hello);
        rejects(Code.KEY_UNKNOWN, "system-set index: key " + f.stranger.keyId(),
                set(index, Fixture.sign(index, f.stranger), Map.of("hello", hello, "clock", clock)));
    }

    @Test
    void rejectsBundleDigestMismatch() {
        byte[] other = hello.clone();
        other[600] ^= 1; // inside the manifest entry's content: same size, other bytes
        byte[] index = index(hello);
        rejects(Code.DIGEST_MISMATCH, "bundle hello.nxb has sha256 " + Sha256.of(other),
                set(index, Fixture.sign(index, f.k1), Map.of("hello", other, "clock", clock)));
    }

    @Test
    void rejectsBundleSizeMismatch() {
        byte[] index = index(hello);
        byte[] longer = java.util.Arrays.copyOf(hello, hello.length + 512);
        rejects(Code.SIZE_MISMATCH, "bundle hello.nxb is " + longer.length + " bytes, the signed index says " + hello.length,
                set(index, Fixture.sign(index, f.k1), Map.of("hello", longer, "clock", clock)));
    }

    @Test
    void rejectsMissingAndUnindexedBundles() {
        byte[] index = index(hello);
        byte[] sig = Fixture.sign(index, f.k1);
        rejects(Code.BUNDLE_MISSING, "bundle clock.nxb is listed in the index but absent", set(index, sig, Map.of("hello", hello)));
        rejects(Code.BUNDLE_NOT_INDEXED, "system set holds bundle(s) [extra.nxb]",
                set(index, sig, Map.of("hello", hello, "clock", clock, "extra", clock)));
    }

    @Test
    void rejectsOversizeIndex() {
        byte[] big = new byte[Bounds.INDEX_BYTES + 1];
        rejects(Code.HOST_INPUT_OVERSIZE, "archive entry system.nxsindex is 65537 bytes",
                TarWriter.write(Map.of(SystemSet.INDEX_ENTRY, big)));
    }

    @Test
    void rejectsOversizeSignature() {
        rejects(Code.HOST_INPUT_OVERSIZE, "archive entry system.sig.ed25519 is 4097 bytes",
                TarWriter.write(Map.of(SystemSet.SIGNATURE_ENTRY, new byte[Bounds.SIGNATURE_BYTES + 1])));
    }

    @Test
    void rejectsOversizeArchiveBeforeReadingIt(@TempDir Path dir) throws Exception {
        Path nxs = dir.resolve("big.nxs");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(nxs.toFile(), "rw")) {
            raf.setLength(Bounds.SYSTEM_SET_BYTES + 1); // sparse: no disk used
        }
        TrialbootException e = assertThrows(TrialbootException.class, () -> SystemSet.verify(nxs, trust));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code());
        assertTrue(e.getMessage().startsWith("HOST_INPUT_OVERSIZE: system set " + nxs + " is 268435457"), e.getMessage());
    }

    @Test
    void rejectsTruncatedSystemSet() {
        byte[] nxs = good();
        rejects(Code.TAR_MALFORMED, "archive ends inside entry", java.util.Arrays.copyOf(nxs, 1000));
    }

    @Test
    void rejectsUnexpectedEntries() {
        rejects(Code.BUNDLE_NOT_INDEXED, "system set holds an unexpected entry 'README'",
                TarWriter.write(Map.of("README", new byte[1])));
    }

    @Test
    void rejectsBundleWhosePayloadDisagreesWithItsManifest() {
        byte[] tar = TarWriter.write(Map.of(Bundle.MANIFEST_ENTRY, new BundleManifest("x", Version.parse("1.0.0"), "p",
                List.of(), "run", Sha256.of(new byte[3]), 3).encode(), Bundle.PAYLOAD_ENTRY, new byte[] {1, 2, 3}));
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> Bundle.read(new ByteArrayInputStream(tar), java.io.OutputStream.nullOutputStream()));
        assertEquals(Code.DIGEST_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("DIGEST_MISMATCH: bundle x payload has sha256"), e.getMessage());
    }
}
