package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Artifact;
import io.trialboot.format.Bundle;
import io.trialboot.format.Feed;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.format.SystemSet;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.Decision;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import io.trialboot.trust.TrustStore;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verified.VerifiedRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code trialboot verify}: the device's decision on any trialboot file, with its code. */
@Command(name = "verify",
        description = "Verify a system set (.nxs), bundle (.nxb), release manifest, feed or admission record as the device"
                + " would; prints ALLOW or DENY with the reason code. Needs no private key.")
final class VerifyCommand extends ToolCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", converter = HostFiles.InputFile.class,
            description = "The file to verify (its .sig is read from beside it).")
    Path file;
    @Option(names = "--state", required = true, converter = HostFiles.InputDir.class,
            description = "State tree root holding the trust store and admission record.")
    Path state;
    @Option(names = "--domain", defaultValue = "system", description = "Domain id (default: ${DEFAULT-VALUE}).")
    String domain;
    @Option(names = "--updates", converter = HostFiles.InputDir.class,
            description = "The media's updates/ directory: also check every artifact of a manifest, every manifest of a feed;"
                    + " a delta is applied as the device would, into a scratch file, over its base image.")
    Path updates;
    @Option(names = "--base", converter = HostFiles.InputFile.class, paramLabel = "IMAGE",
            description = "A slot image a delta may apply to (the full artifacts being verified are tried too).")
    List<Path> bases = new ArrayList<>();

    @Option(names = "--timing", description = "Also print how long the verification took inside the JVM.")
    boolean timing;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Decision d = Decision.of(this::verify);
        long micros = (System.nanoTime() - start) / 1000;
        spec.commandLine().getOut().println(d);
        if (timing) {
            long digestMicros = artifactNanos / 1000;
            spec.commandLine().getOut().printf("timing: %d.%03d ms in process (JVM start-up excluded);"
                    + " artifact digests %d.%03d ms%n", micros / 1000, micros % 1000, digestMicros / 1000, digestMicros % 1000);
        }
        return d.allowed() ? 0 : 1;
    }

    private String verify() {
        dryRun = new DeltaDryRun(bases);
        String name = file.getFileName().toString();
        if (name.endsWith(".nxb")) {
            try (InputStream in = Files.newInputStream(file)) {
                Bounds.check(file.toString(), Files.size(file), Bounds.BUNDLE_BYTES);
                var m = Bundle.read(in, OutputStream.nullOutputStream());
                return "bundle " + m.name() + " " + m.version() + " consistent (bundles are signed through their system set)";
            } catch (IOException e) {
                throw IoFailure.reading(file, e);
            }
        }
        if (name.equals(Trust.ADMISSION_FILE)) {
            Trust t = Trust.establish(TrustStore.load(state.resolve(Trust.ROOTS_DIR)),
                    Inputs.read(file, Bounds.MANIFEST_BYTES),
                    Inputs.read(file.resolveSibling(Trust.ADMISSION_SIGNATURE_FILE), Bounds.SIGNATURE_BYTES));
            return "admission record for domain " + t.admission().domain() + " signed by a pinned root";
        }
        if (name.equals(AdmissionDecision.FILE)) {
            return decision();
        }
        Trust trust = Trust.load(state, domain);
        if (name.endsWith(".nxs")) {
            SystemSet.Verified v = SystemSet.verify(file, trust);
            return "system set " + v.index().version() + " (" + v.bundles().size() + " bundles) signed by " + v.signers();
        }
        String schema = named(file, () -> schemaOf(Inputs.read(file, Bounds.MANIFEST_BYTES)));
        Path sig = SignatureFile.beside(file);
        named(sig, () -> SignatureFile.decode(Inputs.read(sig, Bounds.SIGNATURE_BYTES)));
        if (schema.equals(Feed.SCHEMA)) {
            VerifiedFeed f = VerifiedFeed.load(file, trust);
            if (updates != null) {
                List<VerifiedRelease> releases = new ArrayList<>();
                for (Feed.Entry e : f.feed().entries()) {
                    releases.add(f.release(e, updates, trust));
                }
                releases.forEach(r -> dryRun.offer(r, updates));
                releases.forEach(this::checkArtifacts);
            }
            return "feed " + f.feed().channel() + " (" + f.feed().entries().size() + " entries) signed by " + f.signers();
        }
        VerifiedRelease r = VerifiedRelease.load(file, trust);
        if (updates != null) {
            dryRun.offer(r, updates);
        }
        checkArtifacts(r);
        return "release " + r.manifest().version() + " signed by " + r.signers()
                + (updates != null ? ", " + r.manifest().artifacts().size() + " artifact(s) verified" : "");
    }

    /**
     * An {@code nx admit} directory as the device checks it, but for the sequence number (the device's
     * own state decides whether it is newer): the record and the decision each signed by a pinned root,
     * the decision naming that record, both for {@code --domain}.
     */
    private String decision() {
        TrustStore roots = TrustStore.load(state.resolve(Trust.ROOTS_DIR));
        byte[] dam = Inputs.read(file.resolveSibling(Trust.ADMISSION_FILE), Bounds.MANIFEST_BYTES);
        Trust t = Trust.establish(roots, dam,
                Inputs.read(file.resolveSibling(Trust.ADMISSION_SIGNATURE_FILE), Bounds.SIGNATURE_BYTES));
        AdmissionDecision d = AdmissionDecision.verify(roots, Inputs.read(file, Bounds.MANIFEST_BYTES),
                Inputs.read(file.resolveSibling(AdmissionDecision.SIGNATURE_FILE), Bounds.SIGNATURE_BYTES), dam);
        for (String id : java.util.List.of(t.admission().domain(), d.domain())) {
            if (!id.equals(domain)) {
                throw new TrialbootException(Code.HOST_ADMISSION_REJECTED, "the admission is for domain '" + id
                        + "', not '" + domain + "'");
            }
        }
        return "admission decision " + d.sequence() + " " + d.outcome() + " for domain " + d.domain()
                + " signed by a pinned root (the device applies it only above its last sequence)";
    }

    /** Time spent streaming artifacts through SHA-256, for {@code --timing}. */
    private long artifactNanos;
    private DeltaDryRun dryRun;

    private void checkArtifacts(VerifiedRelease r) {
        if (updates == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            checkEachArtifact(r);
        } finally {
            artifactNanos += System.nanoTime() - start;
        }
    }

    private void checkEachArtifact(VerifiedRelease r) {
        for (Artifact a : r.manifest().artifacts()) {
            try (InputStream in = Files.newInputStream(updates.resolve(a.path()))) {
                r.checkArtifact(a, in);
                if (a.kind() == Artifact.Kind.DELTA) {
                    dryRun.check(r, a, updates);
                }
            } catch (NoSuchFileException e) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "artifact " + a.path() + " is not under " + updates);
            } catch (IOException e) {
                throw IoFailure.reading(updates.resolve(a.path()), e);
            }
        }
    }

    /**
     * Decodes a release manifest or feed as the device does, so {@code trialboot sign} signs nothing the
     * device would refuse to read (a zero-size artifact, an unknown field, non-canonical bytes).
     */
    static void decodeSignable(byte[] bytes) {
        String schema = schemaOf(bytes);
        if (schema.equals(Feed.SCHEMA)) {
            Feed.decode(bytes);
        } else {
            ReleaseManifest.decode(bytes);
        }
    }

    /**
     * {@code decode}'s result; a failure names {@code file}, as the decoder's message names only an
     * offset (a cut {@code .sig} and a cut manifest would read alike).
     */
    private static <T> T named(Path file, java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (TrialbootException e) {
            if (e.code() == Code.HOST_NOT_FOUND) {
                throw e;
            }
            throw new TrialbootException(e.code(), file + ": " + e.detail(), e);
        }
    }

    private static String schemaOf(byte[] bytes) {
        CborValue v = Cbor.decode(bytes);
        if (v instanceof CborValue.CMap m && m.entries().get("schema") instanceof CborValue.Text t) {
            return t.value();
        }
        throw new TrialbootException(Code.SCHEMA_MISMATCH, "file has no schema id; not a trialboot document");
    }
}
