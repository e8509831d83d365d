package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.verity.VerityParams;
import io.trialboot.verified.VerifiedRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code trialboot verify}'s check of a delta artifact, and {@code trialboot release}'s before it
 * signs one: the device's own applier ({@link DeltaApplier}) run over the delta's base image into a
 * scratch file beside nothing else,
 * with every check the device makes (the file's signed digest before any parsing, the header's
 * binding, the operations' bounds, the base and target digests). The base is looked for among the
 * images the operator names and the full artifacts of the releases being verified.
 */
final class DeltaDryRun {
    private final List<Path> candidates = new ArrayList<>();

    DeltaDryRun(List<Path> bases) {
        candidates.addAll(bases);
    }

    /** Offers the full artifacts of {@code r} under {@code updates} as bases for the deltas checked later. */
    void offer(VerifiedRelease r, Path updates) {
        for (Artifact a : r.manifest().artifacts()) {
            if (a.kind() == Artifact.Kind.FULL) {
                candidates.add(updates.resolve(a.path()));
            }
        }
    }

    /** Applies {@code delta} of release {@code r} (its bytes under {@code updates}) into a scratch file, then deletes it. */
    void check(VerifiedRelease r, Artifact delta, Path updates) {
        SlotImage base = delta.base().orElseThrow();
        Path baseFile = find(base).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND, "delta "
                + delta.path() + " applies to image " + base.digest().shortHex() + " (" + base.size() + " bytes), which is"
                + " neither a --base image nor a full artifact being verified: pass it with --base to check the delta"
                + " as the device would"));
        apply(updates.resolve(delta.path()), new SlotImage(delta.sha256(), delta.size()), baseFile, base,
                r.manifest().image(), r.manifest().verity());
    }

    /**
     * Applies {@code deltaFile} (signed as {@code deltaId}) over {@code baseFile} (the image {@code base})
     * into a scratch file of {@code target}'s size with the device's applier, then deletes the scratch:
     * the delta's own digest, the header's binding to base and target, every operation's bounds, and
     * the digest of what it produced ({@code verity}: the tree a data-only delta rebuilds). A failure
     * keeps the applier's code.
     */
    static void apply(Path deltaFile, SlotImage deltaId, Path baseFile, SlotImage base, SlotImage target,
            Optional<VerityParams> verity) {
        Path scratch = null;
        try {
            scratch = Files.createTempFile("trialboot-delta-", ".img");
            try (RandomAccessFile f = new RandomAccessFile(scratch.toFile(), "rw")) {
                f.setLength(target.size());
            }
            try (InputStream in = Files.newInputStream(deltaFile);
                    FileBlockDevice source = FileBlockDevice.openWhole(baseFile, false);
                    FileBlockDevice out = FileBlockDevice.openWhole(scratch, true)) {
                DeltaApplier.apply(in, deltaId, source, out, base, target, verity);
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "dry run of delta " + deltaFile + " failed: "
                    + IoFailure.reason(e), e);
        } finally {
            delete(scratch);
        }
    }

    private Optional<Path> find(SlotImage base) {
        for (Path p : candidates) {
            try {
                if (Files.isRegularFile(p) && Files.size(p) == base.size()) {
                    try (FileBlockDevice d = FileBlockDevice.openWhole(p, false)) {
                        if (SlotDigests.digest(d, base.size()).equals(base.digest())) {
                            return Optional.of(p);
                        }
                    }
                }
            } catch (IOException e) {
                throw IoFailure.reading(p, e);
            }
        }
        return Optional.empty();
    }

    private static void delete(Path scratch) {
        if (scratch == null) {
            return;
        }
        try {
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot delete the scratch file " + scratch + ": "
                    + IoFailure.reason(e), e);
        }
    }
}
