package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.tools.Keys;
import io.trialboot.trust.Ed25519;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixtureKeysTest {
    @TempDir
    Path dir;

    @Test
    void twoBuildsDeriveTheSameKeyFiles() throws Exception {
        FixtureKeys one = FixtureKeys.generate(dir.resolve("one"));
        FixtureKeys two = FixtureKeys.generate(dir.resolve("two"));
        for (String file : FixtureKeys.FILES) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("one").resolve(file)),
                    Files.readAllBytes(dir.resolve("two").resolve(file)), file);
        }
        assertEquals(one.release().keyId(), two.release().keyId());
        // Ed25519 signatures are deterministic: the same key signs the same bytes the same way.
        byte[] message = "manifest".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(one.release().sign(message), two.release().sign(message));
    }

    @Test
    void theSeedIsTheDocumentedOneAndTheKeysDiffer() {
        FixtureKeys keys = FixtureKeys.generate(dir);
        // Pinned: a change to the derivation changes every signature on the media; make it on purpose.
        assertEquals("011d6c842e0a0ebe", keys.root().keyId().hex());
        assertEquals("f3a318e704dedb83", keys.release().keyId().hex());
        assertEquals("42190a9934607955", keys.revoked().keyId().hex());
        assertEquals(3, Stream.of(keys.root(), keys.release(), keys.revoked()).map(k -> k.keyId()).distinct().count());
        assertEquals("trialboot.test-key-seed/1:", FixtureKeys.SEED);
        assertArrayEquals(Sha256.of("trialboot.test-key-seed/1:test-root".getBytes(StandardCharsets.UTF_8)).bytes(),
                FixtureKeys.seed(FixtureKeys.ROOT));
    }

    @Test
    void filesAreStandardPemThatTheHostToolsRead() throws Exception {
        FixtureKeys keys = FixtureKeys.generate(dir);
        Path priv = dir.resolve(FixtureKeys.RELEASE + ".key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertArrayEquals(keys.release().publicKey(), Keys.loadPublicKey(dir.resolve(FixtureKeys.RELEASE + ".pub")));
        byte[] message = "feed".getBytes(StandardCharsets.UTF_8);
        byte[] sig = Keys.loadSigningKey(priv).sign(message);
        assertTrue(Ed25519.verify(keys.release().publicKey(), message, sig));
        assertFalse(Ed25519.verify(keys.root().publicKey(), message, sig), "another test key must not verify it");
    }

    @Test
    void aSecondBuildInTheSameDirectoryReplacesTheFiles() throws Exception {
        FixtureKeys.generate(dir);
        FixtureKeys.generate(dir);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(Set.copyOf(FixtureKeys.FILES), s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }
}
