package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The domain admission record ({@code domains/<id>/admission/dam.cbor}, signed by a pinned root in
 * {@code dam.sig}): which release-signing keys the domain admits, which key ids are revoked,
 * the policy hash, the domain's {@code compatible} string and its witness mode.
 *
 * <pre>
 * {"schema": "trialboot.admission/1", "domain": "system", "compatible": "trialboot-riscv64-virt",
 *  "policy": h'&lt;sha256&gt;', "witness": "quorum-witness", "threshold": 2,
 *  "keys": [h'&lt;32-byte public key&gt;', ...], "revoked": [h'&lt;8-byte key id&gt;', ...]}
 * </pre>
 * A key listed both as admitted and revoked counts as revoked: revocation always wins.
 */
public record AdmissionRecord(
        String domain,
        String compatible,
        Sha256 policy,
        WitnessMode witness,
        int threshold,
        Map<KeyId, byte[]> keys,
        Set<KeyId> revoked) {

    public static final String SCHEMA = "trialboot.admission/1";
    public static final Pattern DOMAIN = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final Pattern COMPATIBLE = Pattern.compile("[A-Za-z0-9._+-]{1,64}");

    public AdmissionRecord {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(witness, "witness");
        if (!DOMAIN.matcher(domain).matches()) {
            throw invalid("domain id '" + domain + "' must match " + DOMAIN);
        }
        if (!COMPATIBLE.matcher(compatible).matches()) {
            throw invalid("compatible '" + compatible + "' must match " + COMPATIBLE);
        }
        TreeMap<KeyId, byte[]> sorted = new TreeMap<>();
        keys.forEach((id, raw) -> {
            if (!KeyId.of(raw).equals(id)) {
                throw invalid("key id " + id + " does not match its key");
            }
            sorted.put(id, raw.clone());
        });
        keys = Collections.unmodifiableMap(sorted);
        revoked = Collections.unmodifiableSet(new TreeSet<>(revoked));
        Bounds.check("admission record keys", (long) keys.size() + revoked.size(), Bounds.TRUST_KEYS);
        switch (witness) {
            case SINGLE:
            case SELF:
                if (threshold != 1) {
                    throw invalid(witness + " needs threshold 1, not " + threshold);
                }
                break;
            default:
                if (threshold < 1 || threshold > keys.size()) {
                    throw invalid("quorum threshold " + threshold + " must be 1.." + keys.size() + " (admitted keys)");
                }
        }
        if (witness != WitnessMode.SELF && keys.isEmpty()) {
            throw invalid(witness + " needs at least one admitted key");
        }
    }

    public byte[] encode() {
        List<CborValue> keyItems = new ArrayList<>();
        keys.values().forEach(raw -> keyItems.add(new CborValue.Bytes(raw)));
        List<CborValue> revokedItems = new ArrayList<>();
        revoked.forEach(id -> revokedItems.add(new CborValue.Bytes(id.bytes())));
        return Cbor.encode(Cbor.map()
                .put("schema", SCHEMA)
                .put("domain", domain)
                .put("compatible", compatible)
                .put("policy", policy.bytes())
                .put("witness", witness.text())
                .put("threshold", threshold)
                .put("keys", keyItems)
                .put("revoked", revokedItems)
                .build());
    }

    public static AdmissionRecord decode(byte[] bytes) {
        Bounds.check("admission record", bytes.length, Bounds.MANIFEST_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "admission record").schema(SCHEMA);
        TreeMap<KeyId, byte[]> keys = new TreeMap<>();
        for (CborValue item : f.array("keys", Bounds.TRUST_KEYS)) {
            byte[] raw = rawKey(item);
            KeyId id = KeyId.of(raw);
            if (keys.put(id, raw) != null) {
                throw invalid("admits key " + id + " twice");
            }
            if (!id.equals(keys.lastKey())) {
                throw invalid("keys are not in key-id order (the canonical encoding sorts them)");
            }
        }
        TreeSet<KeyId> revoked = new TreeSet<>();
        for (CborValue item : f.array("revoked", Bounds.TRUST_KEYS)) {
            if (!(item instanceof CborValue.Bytes b) || b.value().length != KeyId.LENGTH) {
                throw invalid("revoked entry is not an 8-byte key id");
            }
            KeyId id = new KeyId(b.value());
            if (!revoked.add(id)) {
                throw invalid("revokes key " + id + " twice");
            }
            if (!id.equals(revoked.last())) {
                throw invalid("revoked key ids are not in order (the canonical encoding sorts them)");
            }
        }
        long threshold = f.uint("threshold");
        AdmissionRecord r = new AdmissionRecord(f.text("domain"), f.text("compatible"),
                new Sha256(f.bytes("policy", Sha256.LENGTH)), WitnessMode.parse(f.text("witness")),
                (int) Math.min(threshold, Integer.MAX_VALUE), keys, revoked);
        f.end();
        return r;
    }

    private static byte[] rawKey(CborValue item) {
        if (!(item instanceof CborValue.Bytes b) || b.value().length != Ed25519.PUBLIC_KEY_BYTES) {
            throw invalid("admitted key is not a 32-byte Ed25519 public key");
        }
        return b.value();
    }

    private static TrialbootException invalid(String message) {
        return new TrialbootException(Code.SCHEMA_VIOLATION, "admission record: " + message);
    }
}
