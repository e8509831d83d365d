package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.trust.Ed25519;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {
    @TempDir
    Path dir;

    @Test
    void generatesKeysThatLoadBackAndSign() throws Exception {
        SigningKey k = Keys.generate(dir, "release");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("release.key"))));
        SigningKey loaded = Keys.loadSigningKey(dir.resolve("release.key"));
        assertEquals(k.keyId(), loaded.keyId());
        assertArrayEquals(k.publicKey(), Keys.loadPublicKey(dir.resolve("release.pub")));
        byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
        assertTrue(Ed25519.verify(k.publicKey(), msg, loaded.sign(msg)));
    }

    @Test
    void acceptsOpenSshEd25519PublicKeys() throws Exception {
        SigningKey k = Keys.generate(dir, "ssh");
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        for (byte[] field : new byte[][] {"ssh-ed25519".getBytes(StandardCharsets.US_ASCII), k.publicKey()}) {
            blob.write(new byte[] {0, 0, 0, (byte) field.length});
            blob.write(field);
        }
        Path pub = dir.resolve("id_ed25519.pub");
        Files.writeString(pub, "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " dev@host\n");
        assertArrayEquals(k.publicKey(), Keys.loadPublicKey(pub));
    }

    @Test
    void rejectsOtherOpenSshKeyTypes() throws Exception {
        Path pub = dir.resolve("id_rsa.pub");
        Files.writeString(pub, "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ dev@host\n");
        TrialbootException e = assertThrows(TrialbootException.class, () -> Keys.loadPublicKey(pub));
        assertEquals(Code.KEY_FORMAT, e.code());
        assertTrue(e.getMessage().contains("only ssh-ed25519 OpenSSH keys are accepted, not ssh-rsa"), e.getMessage());
    }

    @Test
    void rejectsAPublicKeyWhereAPrivateKeyIsNeeded() {
        Keys.generate(dir, "k");
        TrialbootException e = assertThrows(TrialbootException.class, () -> Keys.loadSigningKey(dir.resolve("k.pub")));
        assertEquals(Code.KEY_FORMAT, e.code());
        assertTrue(e.getMessage().endsWith("is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)"), e.getMessage());
    }
}
