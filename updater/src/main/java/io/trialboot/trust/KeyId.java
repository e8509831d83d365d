package io.trialboot.trust;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.util.Arrays;
import java.util.HexFormat;

/** A key id: the first 8 bytes of the SHA-256 of the raw 32-byte Ed25519 public key, as 16 hex digits. */
public record KeyId(byte[] bytes) implements Comparable<KeyId> {
    public static final int LENGTH = 8;

    public KeyId {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key id has 8 bytes");
        }
        bytes = bytes.clone();
    }

    /** The id of a raw 32-byte Ed25519 public key. */
    public static KeyId of(byte[] rawPublicKey) {
        if (rawPublicKey.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        return new KeyId(Arrays.copyOf(Sha256.of(rawPublicKey).bytes(), LENGTH));
    }

    public static KeyId parse(String hex) {
        try {
            if (hex != null && hex.length() == 2 * LENGTH) {
                return new KeyId(HexFormat.of().parseHex(hex));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "not a key id (16 hex digits): '" + hex + "'");
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyId k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(KeyId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
