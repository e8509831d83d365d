package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import io.trialboot.format.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bundle {@code .nxb}: a deterministic tar of exactly {@code manifest.cbor}
 * ({@link BundleManifest}) and {@code payload.jar}. The bundle is bound to a release through its
 * digest in the signed system-set index, so it carries no signature of its own.
 */
public final class Bundle {
    private Bundle() {}

    public static final String MANIFEST_ENTRY = "manifest.cbor";
    public static final String PAYLOAD_ENTRY = "payload.jar";

    /** Packs a bundle; the manifest's payload digest and size are computed from {@code payload}. */
    public static byte[] pack(String name, Version version, String publisher,
            List<String> abilities, String start, byte[] payload) {
        BundleManifest m = new BundleManifest(name, version, publisher, abilities, start, Sha256.of(payload),
                payload.length);
        return TarWriter.write(Map.of(MANIFEST_ENTRY, m.encode(), PAYLOAD_ENTRY, payload));
    }

    /**
     * Reads a bundle, streaming its payload into {@code payloadSink} while checking it against the
     * manifest's size and digest. On any exception the sink holds unverified bytes: discard them.
     */
    public static BundleManifest read(InputStream in, OutputStream payloadSink) {
        TarReader tar = new TarReader(in, Bounds.BUNDLE_BYTES, Bounds.BUNDLE_BYTES);
        expect(tar.next(), MANIFEST_ENTRY);
        BundleManifest m = BundleManifest.decode(tar.readContent(Bounds.MANIFEST_BYTES));
        TarEntry payload = expect(tar.next(), PAYLOAD_ENTRY);
        if (payload.size() != m.payloadSize()) {
            throw new TrialbootException(Code.SIZE_MISMATCH, "bundle " + m.name() + " payload is " + payload.size()
                    + " bytes, its manifest says " + m.payloadSize());
        }
        MessageDigest md = Sha256.newDigest();
        try (InputStream content = tar.content()) {
            content.transferTo(new DigestOutputStream(payloadSink, md));
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "writing bundle " + m.name() + " payload failed: " + IoFailure.reason(e), e);
        }
        Sha256 actual = new Sha256(md.digest());
        if (!actual.equals(m.payloadSha256())) {
            throw new TrialbootException(Code.DIGEST_MISMATCH, "bundle " + m.name() + " payload has sha256 "
                    + actual + ", its manifest says " + m.payloadSha256());
        }
        Optional<TarEntry> extra = tar.next();
        if (extra.isPresent()) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "bundle " + m.name() + " holds an unexpected entry '"
                    + extra.get().name() + "' (only " + MANIFEST_ENTRY + " and " + PAYLOAD_ENTRY + ")");
        }
        return m;
    }

    private static TarEntry expect(Optional<TarEntry> entry, String name) {
        if (entry.isEmpty() || !entry.get().name().equals(name)) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "bundle entry '" + name + "' expected, found "
                    + entry.map(e -> "'" + e.name() + "'").orElse("the end of the archive") + "; first "
                    + MANIFEST_ENTRY + ", then " + PAYLOAD_ENTRY);
        }
        return entry.get();
    }
}
