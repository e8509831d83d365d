package io.trialboot.verified;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Feed;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/** A feed whose signatures met the domain's witness mode. */
public record VerifiedFeed(Feed feed, Set<KeyId> signers) {
    /** Where the stable feed lives on the update media, relative to its {@code updates/} directory. */
    public static final String STABLE = "feeds/stable.nxf";

    public VerifiedFeed {
        Objects.requireNonNull(feed, "feed");
        signers = Set.copyOf(signers);
    }

    /** Reads {@code feed} and {@code feed.sig} beside it, bounded, and verifies them. */
    public static VerifiedFeed load(Path feed, Trust trust) {
        return verify(Inputs.read(feed, Bounds.FEED_BYTES),
                SignatureFile.readBeside(feed), trust);
    }

    public static VerifiedFeed verify(byte[] feedBytes, byte[] signatureFile, Trust trust) {
        Bounds.check("feed", feedBytes.length, Bounds.FEED_BYTES);
        Set<KeyId> signers = trust.verify("feed", feedBytes, signatureFile);
        return new VerifiedFeed(Feed.decode(feedBytes), signers);
    }

    /**
     * Verifies a manifest the feed lists: its bytes against the feed entry (digest, size), then its
     * own signatures, then that it is the version the feed announced ({@link Code#FEED_MISMATCH}).
     */
    public VerifiedRelease release(Feed.Entry entry, byte[] manifestBytes, byte[] signatureFile, Trust trust) {
        if (!feed.entries().contains(entry)) {
            throw new IllegalArgumentException("entry " + entry.path() + " is not in this feed");
        }
        entry.check(manifestBytes);
        VerifiedRelease release = VerifiedRelease.verify(manifestBytes, signatureFile, trust);
        if (!release.manifest().version().equals(entry.version())) {
            throw new TrialbootException(Code.FEED_MISMATCH, "feed lists " + entry.path() + " as version "
                    + entry.version() + " but the manifest is version " + release.manifest().version());
        }
        return release;
    }

    /** {@link #release(Feed.Entry, byte[], byte[], Trust)} reading the manifest and its {@code .sig} under {@code updatesDir}. */
    public VerifiedRelease release(Feed.Entry entry, Path updatesDir, Trust trust) {
        Path manifest = updatesDir.resolve(entry.path());
        return release(entry, Inputs.read(manifest, Bounds.MANIFEST_BYTES),
                SignatureFile.readBeside(manifest), trust);
    }
}
