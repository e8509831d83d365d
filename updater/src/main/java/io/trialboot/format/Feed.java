package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import io.trialboot.format.tar.ArchivePath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A feed {@code <channel>.nxf} (signed by {@code <channel>.nxf.sig}): the manifests available on the
 * update media, sorted by version then path, each with its digest and size.
 *
 * <pre>
 * {"schema": "trialboot.feed/1", "channel": "stable",
 *  "entries": [{"version": "1.1.0", "path": "manifests/1.1.0.nxm", "sha256": h'...', "size": 412}]}
 * </pre>
 */
public record Feed(String channel, List<Entry> entries) {
    public static final String SCHEMA = "trialboot.feed/1";
    static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** The deterministic order of entries. */
    public static final Comparator<Entry> ORDER = Comparator.comparing(Entry::version).thenComparing(Entry::path);

    /** One manifest on the media; {@code path} is relative to {@code updates/}. */
    public record Entry(Version version, String path, Sha256 sha256, long size) {
        public Entry {
            Objects.requireNonNull(version, "version");
            ArchivePath.check(path);
            Objects.requireNonNull(sha256, "sha256");
            Check.size("manifest size", size, Bounds.MANIFEST_BYTES);
        }

        /** Checks manifest bytes read from the media against this entry: {@link Code#SIZE_MISMATCH}, {@link Code#DIGEST_MISMATCH}. */
        public void check(byte[] manifestBytes) {
            if (manifestBytes.length != size) {
                throw new TrialbootException(Code.SIZE_MISMATCH, "manifest " + path + " is " + manifestBytes.length
                        + " bytes, the signed feed says " + size);
            }
            Sha256 actual = Sha256.of(manifestBytes);
            if (!actual.equals(sha256)) {
                throw new TrialbootException(Code.DIGEST_MISMATCH, "manifest " + path + " has sha256 " + actual
                        + ", the signed feed says " + sha256);
            }
        }
    }

    public Feed {
        Check.matches("channel", channel, CHANNEL);
        Bounds.check("feed entries", entries.size(), Bounds.FEED_ENTRIES);
        for (int i = 1; i < entries.size(); i++) {
            if (ORDER.compare(entries.get(i - 1), entries.get(i)) >= 0) {
                throw new TrialbootException(Code.SCHEMA_VIOLATION, "feed entries must be sorted by version then path,"
                        + " without duplicates: " + entries.get(i).path() + " follows " + entries.get(i - 1).path());
            }
        }
        entries = List.copyOf(entries);
    }

    public byte[] encode() {
        List<CborValue> items = new ArrayList<>();
        for (Entry e : entries) {
            items.add(Cbor.map().put("version", e.version().toString()).put("path", e.path())
                    .put("sha256", e.sha256().bytes()).put("size", e.size()).build());
        }
        return Cbor.encode(Cbor.map().put("schema", SCHEMA).put("channel", channel).put("entries", items).build());
    }

    public static Feed decode(byte[] bytes) {
        Bounds.check("feed", bytes.length, Bounds.FEED_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "feed").schema(SCHEMA);
        List<Entry> entries = new ArrayList<>();
        for (CborValue v : f.array("entries", Bounds.FEED_ENTRIES)) {
            Fields e = Fields.of(v, "feed entry");
            entries.add(new Entry(Check.version(e, "version"), e.text("path"), Check.sha256(e, "sha256"), e.uint("size")));
            e.end();
        }
        Feed feed = new Feed(f.text("channel"), entries);
        f.end();
        return feed;
    }
}
