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

/**
 * The signed index of a system set ({@code system.nxsindex}): its version, publisher and every
 * bundle with name, version, sha256 and size, sorted by name.
 *
 * <pre>
 * {"schema": "trialboot.system-index/1", "version": "1.0.0", "publisher": "trialboot dev",
 *  "bundles": [{"name": "hello", "version": "1.0.0", "sha256": h'...', "size": 4096}]}
 * </pre>
 */
public record SystemIndex(Version version, String publisher, List<BundleRef> bundles) {
    public static final String SCHEMA = "trialboot.system-index/1";

    /** One bundle of the set; its file in the archive is {@code <name>.nxb}. */
    public record BundleRef(String name, Version version, Sha256 sha256, long size) {
        public BundleRef {
            Check.matches("bundle name", name, Check.NAME);
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(sha256, "sha256");
            Check.size("bundle size", size, Bounds.BUNDLE_BYTES);
        }

        public String fileName() {
            return name + ".nxb";
        }
    }

    public SystemIndex {
        Objects.requireNonNull(version, "version");
        Check.matches("publisher", publisher, Check.LABEL);
        Bounds.check("system-set bundles", bundles.size(), Bounds.BUNDLES);
        for (int i = 1; i < bundles.size(); i++) {
            if (bundles.get(i - 1).name().compareTo(bundles.get(i).name()) >= 0) {
                throw new TrialbootException(Code.SCHEMA_VIOLATION, "system-set index bundles must be sorted by name"
                        + " without duplicates: '" + bundles.get(i).name() + "' follows '" + bundles.get(i - 1).name() + "'");
            }
        }
        bundles = List.copyOf(bundles);
    }

    public byte[] encode() {
        List<CborValue> items = new ArrayList<>();
        for (BundleRef b : bundles) {
            items.add(Cbor.map().put("name", b.name()).put("version", b.version().toString())
                    .put("sha256", b.sha256().bytes()).put("size", b.size()).build());
        }
        return Cbor.encode(Cbor.map().put("schema", SCHEMA).put("version", version.toString())
                .put("publisher", publisher).put("bundles", items).build());
    }

    public static SystemIndex decode(byte[] bytes) {
        Bounds.check("system-set index", bytes.length, Bounds.INDEX_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "system-set index").schema(SCHEMA);
        List<BundleRef> bundles = new ArrayList<>();
        for (CborValue v : f.array("bundles", Bounds.BUNDLES)) {
            Fields b = Fields.of(v, "system-set index bundle");
            bundles.add(new BundleRef(b.text("name"), Check.version(b, "version"), Check.sha256(b, "sha256"),
                    b.uint("size")));
            b.end();
        }
        SystemIndex index = new SystemIndex(Check.version(f, "version"), f.text("publisher"), bundles);
        f.end();
        return index;
    }
}
