package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.ENDLESS_DATA;
import static io.trialboot.image.HostileCorpus.AttackClass.MIX_AND_MATCH;
import static io.trialboot.image.HostileCorpus.AttackClass.WRONG_SOFTWARE;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED_INSTALL;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.applied;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.deltaRelease;
import static io.trialboot.image.HostileReleases.editArtifact;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.full;
import static io.trialboot.image.HostileReleases.goodFeed;
import static io.trialboot.image.HostileReleases.readAll;
import static io.trialboot.image.HostileReleases.sha;
import static io.trialboot.image.HostileReleases.v;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Feed;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.trust.SignatureFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Hostile cases on what a manifest points at: payloads longer, shorter or other than signed, pieces of
 * different releases mixed, a release for another device or policy, one kind of metadata given as another.
 */
final class PayloadCases {
    private PayloadCases() {}

    static List<Case> cases() {
        return List.of(
                applied("endless-full", ENDLESS_DATA, Code.APPLY_SIZE_MISMATCH, true,
                        "a release signing the first bytes of v1.1.0's image, whose artifact is the whole, longer image",
                        c -> {
                            Path img = c.in().image(Fixture.HEALTHY);
                            long n = Math.min(ReleaseMedia.size(img) / 2, 1 << 20);
                            Sha256 prefix = HostileFiles.prefixDigest(img, n);
                            c.manifest(HostileReleases.manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                                    Artifact.image(prefix, n), c.in().policy(), List.of(Artifact.full(
                                            ReleaseMedia.fullPath(Fixture.HEALTHY.version()), prefix, n)), c.release()));
                        }),
                host("endless-delta", ENDLESS_DATA, INSTALL, Code.APPLY_SIZE_MISMATCH,
                        "a delta from the factory image with 64 KiB appended after the signed bytes", c -> {
                            Path delta = c.dir().resolve("from-1.0.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.FACTORY), c.in().image(Fixture.HEALTHY), delta);
                            SlotImage signed = HostileReleases.image(delta);
                            c.write("from-1.0.0.nxdelta", concat(readAll(delta), new byte[64 * 1024]));
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
                        }),
                host("endless-feed-manifest", ENDLESS_DATA, FEED_INSTALL, Code.SIZE_MISMATCH,
                        "a feed entry for v1.1.0's manifest whose file on the media has a byte appended", c -> {
                            byte[] m = healthy(c.in()).content();
                            c.write("manifest.nxm", concat(m, new byte[] {0}));
                            c.write("manifest.nxm.sig", healthy(c.in()).signature());
                            c.feed(HostileReleases.feed(List.of(new Feed.Entry(v("1.1.0"),
                                    c.own("manifest.nxm"), Sha256.of(m), m.length)), c.release()));
                        }),
                applied("truncated-full", MIX_AND_MATCH, Code.APPLY_SIZE_MISMATCH, false,
                        "v1.1.0's manifest whose full artifact on the media is cut after 4 KiB", c -> {
                            c.write("slot.img", Arrays.copyOf(readAll(c.in().image(Fixture.HEALTHY)), 4096));
                            c.manifest(editArtifact(c, a -> with(a, "path", text(c.own("slot.img")))));
                        }),
                applied("tampered-full", MIX_AND_MATCH, Code.ARTIFACT_DIGEST_MISMATCH, false,
                        "v1.1.0's manifest whose full artifact on the media has one byte changed", c -> {
                            byte[] img = readAll(c.in().image(Fixture.HEALTHY));
                            img[img.length / 2] ^= 1;
                            c.write("slot.img", img);
                            c.manifest(editArtifact(c, a -> with(a, "path", text(c.own("slot.img")))));
                        }),
                guest("signature-of-other-release", MIX_AND_MATCH, Code.SIG_INVALID,
                        "v1.1.0's manifest carrying v1.3.0's (valid) signature file", c -> c.manifest(healthy(c.in()).content(),
                                readAll(SignatureFile.beside(c.updates().resolve(ReleaseMedia.manifestPath(Fixture.CRASHING.version())))))),
                host("signature-of-feed", MIX_AND_MATCH, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest carrying the feed's signature file",
                        c -> c.manifest(healthy(c.in()).content(), goodFeed(c).signature())),
                guest("wrong-compatible", WRONG_SOFTWARE, Code.COMPATIBLE_MISMATCH,
                        "v1.1.0's release for device class " + HostileCorpus.OTHER_COMPATIBLE, c -> c.manifest(full(c,
                                Fixture.HEALTHY, v("1.1.0"), factory(), HostileCorpus.OTHER_COMPATIBLE, c.in().policy(), c.release()))),
                host("compatible-suffix", WRONG_SOFTWARE, INSTALL, Code.COMPATIBLE_MISMATCH,
                        "v1.1.0 for device class " + FactoryState.COMPATIBLE + "2 (a prefix match is no match)",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), factory(), FactoryState.COMPATIBLE + "2",
                                c.in().policy(), c.release()))),
                host("policy-mismatch", WRONG_SOFTWARE, INSTALL, Code.POLICY_MISMATCH,
                        "v1.1.0 built for another update policy than the admission record pins",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                                sha("another policy"), c.release()))),
                host("feed-as-manifest", WRONG_SOFTWARE, INSTALL, Code.SCHEMA_MISMATCH,
                        "the validly signed stable feed given as a release manifest", c -> c.manifest(goodFeed(c))),
                host("manifest-as-feed", WRONG_SOFTWARE, FEED, Code.SCHEMA_MISMATCH,
                        "v1.1.0's validly signed manifest given as the stable feed", c -> c.feed(healthy(c.in()))));
    }
}
