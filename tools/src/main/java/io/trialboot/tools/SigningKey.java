package io.trialboot.tools;

import io.trialboot.trust.KeyId;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Objects;

/** An Ed25519 private key with its raw public key. Host tools only: private keys never enter the guest. */
public record SigningKey(PrivateKey privateKey, byte[] publicKey) {
    public SigningKey {
        Objects.requireNonNull(privateKey, "privateKey");
        if (publicKey.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public KeyId keyId() {
        return KeyId.of(publicKey);
    }

    /** A deterministic Ed25519 signature (RFC 8032) of exactly {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
