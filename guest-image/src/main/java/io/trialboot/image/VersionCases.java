package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.FAST_FORWARD;
import static io.trialboot.image.HostileCorpus.AttackClass.FEED_DISAGREEMENT;
import static io.trialboot.image.HostileCorpus.AttackClass.REPLAY;
import static io.trialboot.image.HostileCorpus.AttackClass.ROLLBACK;
import static io.trialboot.image.HostileCorpus.AttackClass.WRONG_SOFTWARE;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED_INSTALL;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.factoryRecord;
import static io.trialboot.image.HostileReleases.full;
import static io.trialboot.image.HostileReleases.sha;
import static io.trialboot.image.HostileReleases.v;

import io.trialboot.core.Code;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Feed;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.EntryPoint;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import java.util.List;
import java.util.Set;

/**
 * Hostile cases on which version is offered: rollback, replay, fast-forward with a leaked key (and the
 * revocation that recovers from it), and feeds that disagree with their manifests.
 */
final class VersionCases {
    private VersionCases() {}

    static List<Case> cases() {
        return List.of(
                guest("downgrade", ROLLBACK, Code.UPDATE_VERSION_FLOOR,
                        "a validly signed v0.9.0 full release, below the anti-rollback floor 1.0.0",
                        c -> c.manifest(full(c, v("0.9.0"), c.release()))),
                guest("min-version-above-installed", WRONG_SOFTWARE, Code.UPDATE_MIN_VERSION,
                        "a validly signed v1.1.0 that may be installed only over 1.0.5 or later (the device runs 1.0.0)",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), v("1.0.5"), FactoryState.COMPATIBLE,
                                c.in().policy(), c.release()))),
                host("downgrade-by-revoked-key", ROLLBACK, INSTALL, Code.KEY_REVOKED,
                        "a v0.9.0 release signed by the revoked key", c -> c.manifest(full(c, v("0.9.0"), c.in().keys().revoked()))),
                guest("replay-installed", REPLAY, Code.UPDATE_VERSION_FLOOR,
                        "the factory release v1.0.0 itself, validly signed, replayed onto a device running it",
                        c -> c.manifest(full(c, Fixture.FACTORY, factory(), factory(), FactoryState.COMPATIBLE, c.in().policy(),
                                c.release()))),
                host("replay-installed-delta", REPLAY, INSTALL, Code.UPDATE_VERSION_FLOOR,
                        "a delta-only v1.0.0 release over the factory image (the running version again)", c -> {
                            SlotImage f = HostileReleases.image(c.in().image(Fixture.FACTORY));
                            c.manifest(HostileReleases.manifest(c.in(), factory(), factory(), FactoryState.COMPATIBLE, f,
                                    c.in().policy(), List.of(Artifact.delta(c.own("none.nxdelta"), sha("unused"), 4096, f)),
                                    c.release()));
                        }),
                guest("revoked-key", FAST_FORWARD, Code.KEY_REVOKED,
                        "v1.1.0's release signed by test-release-revoked, which the admission record revokes",
                        c -> c.manifest(full(c, v("1.1.0"), c.in().keys().revoked()))),
                guest("fast-forward-revoked", FAST_FORWARD, Code.KEY_REVOKED,
                        "a v99.0.0 release signed by the leaked, since revoked key: it would raise the floor out of reach",
                        c -> c.manifest(full(c, v("99.0.0"), c.in().keys().revoked()))),
                host("fast-forward-edited", FAST_FORWARD, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest with its version edited to 99.0.0, the old signature kept",
                        c -> c.manifest(HostileFiles.edit(healthy(c.in()).content(), m -> with(m, "version", text("99.0.0"))),
                                healthy(c.in()).signature())),
                host("fast-forward-feed-revoked", FAST_FORWARD, FEED, Code.KEY_REVOKED,
                        "a feed listing v1.1.0 signed by the revoked key", c -> c.feed(HostileReleases.feed(List.of(HostileReleases.entry(
                                c.updates(), ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"))),
                                c.in().keys().revoked()))),
                host("revocation-lifted-by-revoked", FAST_FORWARD, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an admission record without the revocation, signed by the revoked key itself",
                        c -> c.admission(Packaging.admission(HostileReleases.admission(c.in(), HostileReleases.factoryDomain(),
                                Set.of()), c.in().keys().revoked()))),
                host("revocation-stripped", FAST_FORWARD, EntryPoint.ADMISSION, Code.SIG_INVALID,
                        "the factory admission record re-encoded without its revocation, the root's signature kept", c -> {
                            Signed good = Packaging.admission(factoryRecord(c), c.in().keys().root());
                            c.admission(new Signed(HostileReleases.admission(c.in(), HostileReleases.factoryDomain(), Set.of())
                                    .encode(), good.signature()));
                        }),
                host("feed-version-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.FEED_MISMATCH,
                        "a feed announcing v99.0.0 for v1.1.0's (unchanged, validly signed) manifest",
                        c -> c.feed(HostileReleases.feed(List.of(HostileReleases.entry(c.updates(),
                                ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("99.0.0"))), c.release()))),
                host("feed-digest-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.DIGEST_MISMATCH,
                        "a feed entry for v1.1.0's manifest naming another manifest's digest", c -> {
                            Feed.Entry e = HostileReleases.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileReleases.feed(List.of(new Feed.Entry(e.version(), e.path(),
                                    sha("another manifest"), e.size())), c.release()));
                        }),
                host("feed-size-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.SIZE_MISMATCH,
                        "a feed entry for v1.1.0's manifest one byte shorter than the file", c -> {
                            Feed.Entry e = HostileReleases.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileReleases.feed(List.of(new Feed.Entry(e.version(), e.path(),
                                    e.sha256(), e.size() - 1)), c.release()));
                        }),
                host("feed-manifest-missing", FEED_DISAGREEMENT, FEED_INSTALL, Code.HOST_NOT_FOUND,
                        "a feed entry naming a manifest that is not on the media", c -> {
                            Feed.Entry e = HostileReleases.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileReleases.feed(List.of(new Feed.Entry(e.version(),
                                    c.own("gone.nxm"), e.sha256(), e.size())), c.release()));
                        }),
                host("feed-entry-swapped", FEED_DISAGREEMENT, FEED_INSTALL, Code.FEED_MISMATCH,
                        "a feed whose v1.1.0 entry points at v1.3.0's manifest with that manifest's true digest",
                        c -> c.feed(HostileReleases.feed(List.of(HostileReleases.entry(c.updates(),
                                ReleaseMedia.manifestPath(Fixture.CRASHING.version()), v("1.1.0"))), c.release()))));
    }
}
