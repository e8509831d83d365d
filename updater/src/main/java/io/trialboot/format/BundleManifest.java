package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The manifest inside a bundle ({@code manifest.cbor} of a {@code .nxb}): the application's name,
 * version, publisher, required abilities, start command and the digest and size of its payload.
 *
 * <pre>
 * {"schema": "trialboot.bundle/1", "name": "hello", "version": "1.0.0", "publisher": "trialboot dev",
 *  "abilities": ["console"], "start": "java -jar payload.jar",
 *  "payload_sha256": h'...', "payload_size": 1234}
 * </pre>
 */
public record BundleManifest(String name, Version version, String publisher, List<String> abilities,
        String start, Sha256 payloadSha256, long payloadSize) {

    public static final String SCHEMA = "trialboot.bundle/1";

    public BundleManifest {
        Check.matches("bundle name", name, Check.NAME);
        Objects.requireNonNull(version, "version");
        Check.matches("publisher", publisher, Check.LABEL);
        for (String a : abilities) {
            Check.matches("ability", a, Check.NAME);
        }
        if (new TreeSet<>(abilities).size() != abilities.size()) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "bundle " + name + " lists an ability twice");
        }
        abilities = List.copyOf(new TreeSet<>(abilities));
        Check.matches("start command", start, Check.LABEL);
        Objects.requireNonNull(payloadSha256, "payloadSha256");
        Check.size("payload size", payloadSize, Bounds.BUNDLE_BYTES);
    }

    public byte[] encode() {
        List<CborValue> abilityItems = new ArrayList<>();
        abilities.forEach(a -> abilityItems.add(new CborValue.Text(a)));
        return Cbor.encode(Cbor.map()
                .put("schema", SCHEMA)
                .put("name", name)
                .put("version", version.toString())
                .put("publisher", publisher)
                .put("abilities", abilityItems)
                .put("start", start)
                .put("payload_sha256", payloadSha256.bytes())
                .put("payload_size", payloadSize)
                .build());
    }

    public static BundleManifest decode(byte[] bytes) {
        Bounds.check("bundle manifest", bytes.length, Bounds.MANIFEST_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "bundle manifest").schema(SCHEMA);
        List<String> abilities = new ArrayList<>();
        for (CborValue v : f.array("abilities", 64)) {
            if (!(v instanceof CborValue.Text t)) {
                throw f.invalid("abilities", "holds a non-text item");
            }
            if (!abilities.isEmpty() && abilities.get(abilities.size() - 1).compareTo(t.value()) > 0) {
                throw f.invalid("abilities", "are not in sorted order (the canonical encoding sorts them)");
            }
            abilities.add(t.value());
        }
        BundleManifest m = new BundleManifest(f.text("name"), Check.version(f, "version"), f.text("publisher"),
                abilities, f.text("start"), Check.sha256(f, "payload_sha256"), f.uint("payload_size"));
        f.end();
        return m;
    }
}
