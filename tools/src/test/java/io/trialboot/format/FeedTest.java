package io.trialboot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.Trust;
import io.trialboot.verified.VerifiedFeed;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedTest {
    private final Fixture f = new Fixture();
    private final Trust trust = f.single();

    private byte[] manifest(String version) {
        Sha256 img = Sha256.of(version.getBytes());
        return new ReleaseManifest(Version.parse(version), Version.parse("1.0.0"), Fixture.COMPATIBLE, f.k1.keyId(),
                Artifact.image(img, 10), Sha256.of(new byte[1]), Fixture.POLICY,
                List.of(Artifact.full("images/" + version + ".img", img, 10))).encode();
    }

    private VerifiedFeed feed(Feed.Entry... entries) {
        byte[] bytes = new Feed("stable", List.of(entries)).encode();
        return VerifiedFeed.verify(bytes, Fixture.sign(bytes, f.k1), trust);
    }

    private static Feed.Entry entry(String version, byte[] manifest) {
        return new Feed.Entry(Version.parse(version), "manifests/" + version + ".nxm", Sha256.of(manifest), manifest.length);
    }

    private static void assertCode(Code code, String messageStart, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void verifiesTheFeedAndTheManifestsItLists() {
        byte[] m = manifest("1.1.0");
        VerifiedFeed v = feed(entry("1.0.0", manifest("1.0.0")), entry("1.1.0", m));
        assertEquals(2, v.feed().entries().size());
        Feed.Entry e = v.feed().entries().get(1);
        assertEquals(Version.parse("1.1.0"), v.release(e, m, Fixture.sign(m, f.k1), trust).manifest().version());
    }

    @Test
    void rejectsFeedListingAManifestWhoseDigestDiffers() {
        byte[] listed = manifest("1.1.0");
        byte[] onMedia = manifest("1.2.0");
        Feed.Entry e = new Feed.Entry(Version.parse("1.1.0"), "manifests/1.1.0.nxm", Sha256.of(listed), onMedia.length);
        VerifiedFeed v = feed(e);
        assertCode(Code.DIGEST_MISMATCH, "manifest manifests/1.1.0.nxm has sha256 " + Sha256.of(onMedia),
                () -> v.release(e, onMedia, Fixture.sign(onMedia, f.k1), trust));
    }

    @Test
    void rejectsFeedEntryWhoseVersionDiffersFromItsManifest() {
        byte[] m = manifest("1.2.0");
        Feed.Entry e = entry("1.1.0", m);
        VerifiedFeed v = feed(e);
        assertCode(Code.FEED_MISMATCH, "feed lists manifests/1.1.0.nxm as version 1.1.0 but the manifest is version 1.2.0",
                () -> v.release(e, m, Fixture.sign(m, f.k1), trust));
    }

    @Test
    void rejectsUnsortedEntries() {
        assertCode(Code.SCHEMA_VIOLATION, "feed entries must be sorted",
                () -> new Feed("stable", List.of(entry("1.1.0", manifest("1.1.0")), entry("1.0.0", manifest("1.0.0")))));
    }

    @Test
    void rejectsOversizeFeed() {
        byte[] big = new byte[Bounds.FEED_BYTES + 1];
        assertCode(Code.HOST_INPUT_OVERSIZE, "feed is 65537 bytes", () -> VerifiedFeed.verify(big, Fixture.sign(big, f.k1), trust));
    }

    @Test
    void rejectsFeedSignedByUnadmittedRoot() {
        byte[] bytes = new Feed("stable", List.of()).encode();
        assertCode(Code.KEY_NOT_ADMITTED, "feed: key " + f.root.keyId(),
                () -> VerifiedFeed.verify(bytes, Fixture.sign(bytes, f.root), trust));
    }

    @Test
    void rejectsAManifestPassedAsAFeed() {
        byte[] m = manifest("1.1.0");
        assertCode(Code.SCHEMA_MISMATCH, "feed has schema 'trialboot.manifest/1', expected 'trialboot.feed/1'",
                () -> VerifiedFeed.verify(m, Fixture.sign(m, f.k1), trust));
    }
}
