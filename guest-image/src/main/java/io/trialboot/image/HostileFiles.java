package io.trialboot.image;

import io.trialboot.core.Bounds;
import io.trialboot.core.Sha256;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import io.trialboot.format.tar.TarWriter;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How the hostile corpus ({@link HostileCorpus}) crafts its inputs from the fixtures: good signed
 * metadata edited field by field (then signed again, so the edit is what the device meets, not a
 * broken signature), byte-level CBOR surgery, ustar header patches, and a stranger's key derived
 * deterministically from the fixture keys (the same build gives the same bytes).
 */
final class HostileFiles {
    /** The ustar header fields patched here (offsets of POSIX.1-1988). */
    static final int TAR_BLOCK = 512;
    static final int TAR_NAME = 0;
    static final int TAR_SIZE = 124;
    static final int TAR_CHECKSUM = 148;
    static final int TAR_TYPE = 156;
    static final int TAR_MAGIC = 257;

    private HostileFiles() {}

    /** v1.1.0's good full release, exactly as on the media (signed by {@code test-release-1}). */
    static Signed healthy(ReleaseMedia.Inputs in) {
        return ReleaseMedia.release(in, Fixture.HEALTHY, Fixture.FACTORY.version(),
                Optional.of(ReleaseMedia.fullPath(Fixture.HEALTHY.version())), List.of());
    }

    static Signed sign(byte[] content, SigningKey key) {
        return new Signed(content, Packaging.sign(content, List.of(key)));
    }

    /** The top-level map of canonical CBOR bytes, editable, in canonical key order. */
    static Map<String, CborValue> fields(byte[] cbor) {
        return new LinkedHashMap<>(((CborValue.CMap) Cbor.decode(cbor)).entries());
    }

    /** Decodes {@code cbor}, applies {@code edit} to its top-level map and encodes it canonically again. */
    static byte[] edit(byte[] cbor, UnaryOperator<Map<String, CborValue>> edit) {
        return Cbor.encode(new CborValue.CMap(edit.apply(fields(cbor))));
    }

    /** {@code m} with {@code key} set to {@code value}. */
    static Map<String, CborValue> with(Map<String, CborValue> m, String key, CborValue value) {
        m.put(key, value);
        return m;
    }

    static CborValue text(String s) {
        return new CborValue.Text(s);
    }


    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A key no trust store knows: Ed25519 generated from a seed hashed from {@code test-release-1}'s
     * public key and {@code label}, so each build derives the same stranger from its own keys.
     */
    static SigningKey stranger(FixtureKeys keys, String label) {
        try {
            SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
            seeded.setSeed(Sha256.of(concat(keys.release().publicKey(), ascii(label))).bytes());
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(255, seeded);
            KeyPair pair = g.generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            return new SigningKey(pair.getPrivate(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK 15+", e);
        }
    }

    /** The digest of the first {@code n} bytes of {@code file}. */
    static Sha256 prefixDigest(Path file, long n) {
        MessageDigest md = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            md.update(in.readNBytes(Math.toIntExact(n)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Sha256(md.digest());
    }

    /** The entries of a system set (or any bounded tar), in archive order. */
    static Map<String, byte[]> entries(Path tar) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader r = new TarReader(in, Bounds.SYSTEM_SET_BYTES, Bounds.BUNDLE_BYTES);
            for (Optional<TarEntry> e = r.next(); e.isPresent(); e = r.next()) {
                out.put(e.get().name(), r.readContent(Math.toIntExact(Bounds.BUNDLE_BYTES)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] tar(Map<String, byte[]> entries) {
        return TarWriter.write(entries);
    }

    /** {@code tar} with the header at {@code header} (a byte offset) edited and its checksum made right again. */
    static byte[] patchHeader(byte[] tar, int header, UnaryOperator<byte[]> edit) {
        byte[] h = edit.apply(Arrays.copyOfRange(tar, header, header + TAR_BLOCK));
        Arrays.fill(h, TAR_CHECKSUM, TAR_CHECKSUM + 8, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] field = ascii(String.format("%06o", sum));
        System.arraycopy(field, 0, h, TAR_CHECKSUM, 6);
        h[TAR_CHECKSUM + 6] = 0;
        byte[] out = tar.clone();
        System.arraycopy(h, 0, out, header, TAR_BLOCK);
        return out;
    }

    /** A header edit writing {@code value} NUL-padded into the field at {@code offset} of {@code width} bytes. */
    static UnaryOperator<byte[]> field(int offset, int width, String value) {
        return h -> {
            byte[] v = ascii(value);
            Arrays.fill(h, offset, offset + width, (byte) 0);
            System.arraycopy(v, 0, h, offset, Math.min(v.length, width));
            return h;
        };
    }

    /** The system set of the factory release, as the slot carries it. */
    static Map<String, byte[]> factorySystemSet(ReleaseMedia.Inputs in) {
        return entries(in.systemSet(Fixture.FACTORY));
    }

}
