package io.trialboot.image;

import io.trialboot.core.Sha256;
import io.trialboot.tools.Keys;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.Ed25519;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The release fixtures' TEST keys: {@code test-root} (pinned in the state tree, signs only the
 * admission record), {@code test-release-1} (admitted, signs every good release) and
 * {@code test-release-revoked} (listed as revoked, signs the {@code revoked-key} hostile input).
 * <p>
 * Derived, not drawn at random, so two clean builds give the same keys and therefore the same
 * signatures, state tree and disk (docs/reproducibility.md): each private key's 32-byte Ed25519
 * seed is {@code SHA-256("trialboot.test-key-seed/1:" + name)}. Anyone can recompute them from
 * this file: they are test keys for the fixtures only and protect nothing. They live only under
 * {@code guest-image/target/} and the build cache, never in the repository; a real device is
 * provisioned with keys made by {@code trialboot keygen}.
 */
record FixtureKeys(SigningKey root, SigningKey release, SigningKey revoked) {
    static final String ROOT = "test-root";
    static final String RELEASE = "test-release-1";
    static final String REVOKED = "test-release-revoked";
    /** The documented, public seed every test key is derived from. */
    static final String SEED = "trialboot.test-key-seed/1:";
    /** The key files written into {@code dir}, for the build's outputs. */
    static final List<String> FILES = List.of(ROOT + ".key", ROOT + ".pub", RELEASE + ".key", RELEASE + ".pub",
            REVOKED + ".key", REVOKED + ".pub");
    /** DER of a PKCS#8 (RFC 8410) Ed25519 private key, up to its 32-byte seed. */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    FixtureKeys {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(revoked, "revoked");
    }

    /** Writes the three derived key pairs into {@code dir} ({@code <name>.key} mode 0600, {@code <name>.pub}). */
    static FixtureKeys generate(Path dir) {
        return new FixtureKeys(derive(dir, ROOT), derive(dir, RELEASE), derive(dir, REVOKED));
    }

    /** The 32-byte Ed25519 seed of the test key {@code name}. */
    static byte[] seed(String name) {
        return Sha256.of((SEED + name).getBytes(StandardCharsets.UTF_8)).bytes();
    }

    /** Writes {@code <name>.key} (PEM PKCS#8) and {@code <name>.pub} (PEM SPKI), then reads them back with {@link Keys}. */
    private static SigningKey derive(Path dir, String name) {
        byte[] seed = seed(name);
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
        Path priv = dir.resolve(name + ".key");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(priv);
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringWriter pem = new StringWriter();
            try (PemWriter w = new PemWriter(pem)) {
                w.writeObject(new PemObject("PRIVATE KEY", der));
            }
            Files.writeString(priv, pem.toString(), StandardCharsets.US_ASCII);
            SigningKey key = Keys.loadSigningKey(priv);
            Files.write(dir.resolve(name + ".pub"), Ed25519.toPem(key.publicKey()));
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test key " + name + " in " + dir, e);
        }
    }
}
