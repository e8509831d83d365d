package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 with the JDK's own provider ({@code Signature.getInstance("Ed25519")}, module
 * {@code jdk.crypto.ec}): verification and the one key form the guest reads, a PEM SPKI public key.
 * Nothing here loads a third-party library, so the guest's verify path stays light.
 */
public final class Ed25519 {
    private Ed25519() {}

    public static final int PUBLIC_KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;
    /** DER of SubjectPublicKeyInfo for Ed25519 (RFC 8410) up to the 32 key bytes. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    /** True when {@code signature} is a valid Ed25519 signature of exactly {@code message} by {@code rawKey}. */
    public static boolean verify(byte[] rawKey, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey(rawKey));
            s.update(message);
            return s.verify(signature);
        } catch (SignatureException | InvalidKeyException e) {
            // A malformed signature or a key that is not a curve point is simply not valid.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519 (module jdk.crypto.ec)", e);
        }
    }

    /** A JDK public key from the raw 32 bytes. */
    public static PublicKey publicKey(byte[] rawKey) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki(rawKey)));
        } catch (GeneralSecurityException e) {
            throw new TrialbootException(Code.KEY_FORMAT, "not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The DER SubjectPublicKeyInfo of a raw key. */
    public static byte[] spki(byte[] rawKey) {
        if (rawKey.length != PUBLIC_KEY_BYTES) {
            throw new TrialbootException(Code.KEY_FORMAT, "an Ed25519 public key has 32 bytes, not " + rawKey.length);
        }
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + PUBLIC_KEY_BYTES);
        System.arraycopy(rawKey, 0, der, SPKI_PREFIX.length, PUBLIC_KEY_BYTES);
        return der;
    }

    /** The raw 32 bytes of a DER SubjectPublicKeyInfo holding an Ed25519 key. */
    public static byte[] rawFromSpki(byte[] der) {
        if (der.length != SPKI_PREFIX.length + PUBLIC_KEY_BYTES
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new TrialbootException(Code.KEY_FORMAT, "not an Ed25519 SubjectPublicKeyInfo (RFC 8410)");
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** Reads a {@code -----BEGIN PUBLIC KEY-----} PEM file holding an Ed25519 key. */
    public static byte[] rawFromPem(byte[] pemFile) {
        Bounds.check("key file", pemFile.length, Bounds.KEY_FILE_BYTES);
        String text = new String(pemFile, StandardCharsets.US_ASCII).strip();
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        if (!text.startsWith(begin) || !text.endsWith(end)) {
            throw new TrialbootException(Code.KEY_FORMAT, "not a PEM public key (expected " + begin + ")");
        }
        String body = text.substring(begin.length(), text.length() - end.length()).replaceAll("\\s", "");
        try {
            return rawFromSpki(Base64.getDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.KEY_FORMAT, "PEM public key body is not base64");
        }
    }

    /** Writes a raw key as a PEM SPKI public key file. */
    public static byte[] toPem(byte[] rawKey) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki(rawKey));
        return ("-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
