package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.KeyId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The anchored roots' ids the image build writes beside them ({@link VerifyScript#rootIds}): stage 0
 * reads them instead of decoding and hashing the roots at every boot, so every rule it checked at
 * boot is checked here, and a root that breaks one never reaches an initramfs.
 */
class AnchoredRootIdsTest {
    private static final byte[] RAW = key(1);
    private static final byte[] PEM = Ed25519.toPem(RAW);

    @Test
    void eachRootHasItsKeyIdInFileNameOrder() {
        Map<String, byte[]> roots = new LinkedHashMap<>();
        roots.put("z.pub", Ed25519.toPem(key(2)));
        roots.put("a.pub", PEM);
        assertEquals(KeyId.of(RAW).hex() + " a.pub\n" + KeyId.of(key(2)).hex() + " z.pub\n", VerifyScript.rootIds(roots));
    }

    @Test
    void aRootThatIsNotExactlyAnEd25519PemIsRefused() {
        String pem = new String(PEM, StandardCharsets.US_ASCII);
        String body = pem.lines().toList().get(1);
        assertRefused(pem.replace(body, body.substring(0, 40) + "\n" + body.substring(40)), "not exactly the three lines");
        assertRefused(pem.replace("PUBLIC KEY", "PRIVATE KEY"), "not an Ed25519 public key");
        assertRefused(pem + pem, "not an Ed25519 public key");
        assertRefused(pem.replace(body, "MCowBQYDK2VxAyEA" + body.substring(16)), "not an Ed25519 public key");
        assertRefused(pem.replace("\n", "\r\n"), "not exactly the three lines");
    }

    @Test
    void noRootTooManyRootsABadNameOrAKeyTwiceAreRefused() {
        ImageBuildException none = assertThrows(ImageBuildException.class, () -> VerifyScript.rootIds(Map.of()));
        assertTrue(none.getMessage().startsWith("the initramfs anchors no root key"), none.getMessage());
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i <= Bounds.TRUST_KEYS; i++) {
            many.put("r" + i + ".pub", Ed25519.toPem(key(i)));
        }
        ImageBuildException over = assertThrows(ImageBuildException.class, () -> VerifyScript.rootIds(many));
        assertTrue(over.getMessage().startsWith("the initramfs anchors " + (Bounds.TRUST_KEYS + 1) + " roots"), over.getMessage());
        ImageBuildException name = assertThrows(ImageBuildException.class, () -> VerifyScript.rootIds(Map.of("a root.pub", PEM)));
        assertTrue(name.getMessage().startsWith("anchored root 'a root.pub' is not named <name>.pub"), name.getMessage());
        ImageBuildException twice = assertThrows(ImageBuildException.class,
                () -> VerifyScript.rootIds(Map.of("a.pub", PEM, "b.pub", PEM)));
        assertTrue(twice.getMessage().startsWith("anchored root b.pub repeats key " + KeyId.of(RAW).hex()), twice.getMessage());
    }

    private static void assertRefused(String pem, String why) {
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> VerifyScript.rootIds(Map.of("root.pub", pem.getBytes(StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().startsWith("anchored root root.pub is " + why), e.getMessage());
    }

    /** A 32-byte value to stand for a raw public key: the ids hash it, nothing verifies with it. */
    private static byte[] key(int seed) {
        byte[] k = new byte[Ed25519.PUBLIC_KEY_BYTES];
        k[0] = (byte) seed;
        k[1] = (byte) (seed >> 8);
        return k;
    }
}
