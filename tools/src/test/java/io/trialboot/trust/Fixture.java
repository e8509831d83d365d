package io.trialboot.trust;

import io.trialboot.core.Sha256;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Keys and a trust setup for tests: one pinned root, three release keys, a stranger. */
public final class Fixture {
    public static final String COMPATIBLE = "trialboot-riscv64-virt";
    public static final Sha256 POLICY = Sha256.of("policy v1".getBytes(StandardCharsets.UTF_8));

    public final SigningKey root = key();
    public final SigningKey k1 = key();
    public final SigningKey k2 = key();
    public final SigningKey k3 = key();
    public final SigningKey stranger = key();
    public final TrustStore roots = TrustStore.of(List.of(root.publicKey()));

    public static SigningKey key() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            return new SigningKey(pair.getPrivate(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public AdmissionRecord record(WitnessMode mode, int threshold, List<SigningKey> admitted, List<SigningKey> revoked) {
        Map<KeyId, byte[]> keys = new LinkedHashMap<>();
        admitted.forEach(k -> keys.put(k.keyId(), k.publicKey()));
        Set<KeyId> rev = revoked.stream().map(SigningKey::keyId).collect(Collectors.toSet());
        return new AdmissionRecord("system", COMPATIBLE, POLICY, mode, threshold, keys, rev);
    }

    public Trust trust(WitnessMode mode, int threshold, List<SigningKey> admitted, List<SigningKey> revoked) {
        AdmissionRecord r = record(mode, threshold, admitted, revoked);
        byte[] bytes = r.encode();
        return Trust.establish(roots, bytes, Packaging.sign(bytes, List.of(root)));
    }

    /** single-witness, k1 admitted, k3 revoked. */
    public Trust single() {
        return trust(WitnessMode.SINGLE, 1, List.of(k1), List.of(k3));
    }

    public static byte[] sign(byte[] content, SigningKey... keys) {
        return Packaging.sign(content, List.of(keys));
    }
}
