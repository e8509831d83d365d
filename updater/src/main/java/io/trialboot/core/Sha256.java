package io.trialboot.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest. Printed and parsed as 64 lowercase hex digits. */
public record Sha256(byte[] bytes) {
    public static final int LENGTH = 32;

    public Sha256 {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public static Sha256 of(byte[] data) {
        return new Sha256(newDigest().digest(data));
    }

    /** Parses 64 hex digits; anything else is a malformed input. */
    public static Sha256 parse(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "not a sha256 (64 hex digits): '" + hex + "'");
        }
        try {
            return new Sha256(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "not a sha256 (64 hex digits): '" + hex + "'");
        }
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The first 12 hex digits, for console lines. */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
