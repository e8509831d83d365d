package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import io.trialboot.trust.Ed25519;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.openssl.PEMParser;

/**
 * Host-side key files, read with BouncyCastle: PEM PKCS#8 private keys, PEM SPKI public keys and
 * OpenSSH {@code ssh-ed25519} public keys. Never on the guest's classpath.
 */
public final class Keys {
    private Keys() {}

    /** A key's name: a plain file name (no directory, no leading dot), so its files land in the directory given. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Generates a key pair and writes {@code <name>.key} (PKCS#8 PEM, mode 0600) and {@code <name>.pub}
     * (SPKI PEM) into {@code dir}; a name that is not {@link #NAME} is {@link Code#MALFORMED_INPUT}.
     */
    public static SigningKey generate(Path dir, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "key name '" + name + "' is not a plain file name ("
                    + NAME + "): the key files are " + dir + "/<name>.key and .pub");
        }
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] raw = Ed25519.rawFromSpki(pair.getPublic().getEncoded());
            Path priv = dir.resolve(name + ".key");
            Path pub = dir.resolve(name + ".pub");
            if (Files.exists(priv) || Files.exists(pub)) {
                throw new TrialbootException(Code.HOST_EXISTS, "key " + priv + " or " + pub + " exists; not overwriting");
            }
            Files.createDirectories(dir);
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // Created 0600 first and written in place: a temp-and-rename would drop the mode.
            Files.write(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.write(pub, Ed25519.toPem(raw));
            return new SigningKey(pair.getPrivate(), raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot write keys in " + dir + ": " + IoFailure.reason(e), e);
        }
    }

    /** Reads a PEM PKCS#8 Ed25519 private key. */
    public static SigningKey loadSigningKey(Path file) {
        Object o = parsePem(file);
        if (!(o instanceof PrivateKeyInfo info)) {
            throw new TrialbootException(Code.KEY_FORMAT, file + " is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        try {
            AsymmetricKeyParameter p = PrivateKeyFactory.createKey(info);
            if (!(p instanceof Ed25519PrivateKeyParameters ed)) {
                throw new TrialbootException(Code.KEY_FORMAT, file + " holds a " + p.getClass().getSimpleName() + ", not Ed25519");
            }
            PrivateKey jdk = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
            return new SigningKey(jdk, ed.generatePublicKey().getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            throw new TrialbootException(Code.KEY_FORMAT, file + " is not a usable Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** Reads a public key: PEM SPKI or an OpenSSH {@code ssh-ed25519 AAAA... comment} line. Returns the raw 32 bytes. */
    public static byte[] loadPublicKey(Path file) {
        byte[] bytes = Inputs.read(file, Bounds.KEY_FILE_BYTES);
        String text = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (text.startsWith("ssh-")) {
            return openSsh(file, text);
        }
        Object o = parsePem(file);
        if (!(o instanceof SubjectPublicKeyInfo spki)) {
            throw new TrialbootException(Code.KEY_FORMAT, file + " is neither a PEM public key nor an OpenSSH ssh-ed25519 key");
        }
        try {
            if (PublicKeyFactory.createKey(spki) instanceof Ed25519PublicKeyParameters ed) {
                return ed.getEncoded();
            }
        } catch (IOException | RuntimeException e) {
            throw new TrialbootException(Code.KEY_FORMAT, file + " is not a usable public key: " + e.getMessage(), e);
        }
        throw new TrialbootException(Code.KEY_FORMAT, file + " holds a public key that is not Ed25519");
    }

    private static byte[] openSsh(Path file, String line) {
        String[] parts = line.split("\\s+");
        if (parts.length < 2 || !parts[0].equals("ssh-ed25519")) {
            throw new TrialbootException(Code.KEY_FORMAT, file + ": only ssh-ed25519 OpenSSH keys are accepted, not " + parts[0]);
        }
        try {
            AsymmetricKeyParameter p = OpenSSHPublicKeyUtil.parsePublicKey(Base64.getDecoder().decode(parts[1]));
            if (p instanceof Ed25519PublicKeyParameters ed) {
                return ed.getEncoded();
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new TrialbootException(Code.KEY_FORMAT, file + ": malformed ssh-ed25519 key: " + e.getMessage(), e);
        }
        throw new TrialbootException(Code.KEY_FORMAT, file + ": the key blob is not ssh-ed25519");
    }

    private static Object parsePem(Path file) {
        String text = new String(Inputs.read(file, Bounds.KEY_FILE_BYTES), StandardCharsets.US_ASCII);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o = parser.readObject();
            if (o == null) {
                throw new TrialbootException(Code.KEY_FORMAT, file + " holds no PEM object");
            }
            return o;
        } catch (IOException | RuntimeException e) {
            if (e instanceof TrialbootException t) {
                throw t;
            }
            throw new TrialbootException(Code.KEY_FORMAT, file + " is not valid PEM: " + e.getMessage(), e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
}
