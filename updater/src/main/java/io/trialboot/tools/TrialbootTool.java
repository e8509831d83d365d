package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.Artifact;
import io.trialboot.format.Bundle;
import io.trialboot.format.Feed;
import io.trialboot.format.Inputs;
import io.trialboot.format.SystemSet;
import io.trialboot.format.VerifiedFeed;
import io.trialboot.format.VerifiedRelease;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Decision;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.Trust;
import io.trialboot.trust.TrustStore;
import io.trialboot.trust.WitnessMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trialboot}: the host packaging tools. Each command is a thin wrapper over {@link Packaging},
 * {@link Keys} and the format classes. Exit status: 0 success (or ALLOW), 1 a documented failure
 * (or DENY), 2 a usage error.
 */
@Command(name = "trialboot", mixinStandardHelpOptions = true, version = "trialboot tools 0.1",
        description = "Keys, admission records, bundles, system sets, releases and feeds for trialboot.",
        subcommands = {TrialbootTool.KeyGen.class, TrialbootTool.Admit.class, TrialbootTool.BundleCmd.class,
                TrialbootTool.SystemCmd.class, TrialbootTool.Release.class, TrialbootTool.FeedCmd.class,
                TrialbootTool.Verify.class, TrialbootTool.InspectCmd.class})
public final class TrialbootTool implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrialbootTool());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof TrialbootException t) {
                line.getErr().println("error " + t.getMessage());
                return 1;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code -h/--help} alone: several commands use {@code --version} for a release version. */
    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    static List<SigningKey> signingKeys(List<Path> files) {
        List<SigningKey> keys = new ArrayList<>();
        files.forEach(f -> keys.add(Keys.loadSigningKey(f)));
        return keys;
    }

    @Command(name = "keygen",
            description = "Generate an Ed25519 key pair: <name>.key (PKCS#8 PEM, 0600) and <name>.pub (SPKI PEM).")
    static final class KeyGen implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Option(names = "--out", required = true, description = "Directory to write the key files into.")
        Path out;
        @Option(names = "--name", required = true, description = "Base name of the key files.")
        String name;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SigningKey k = Keys.generate(out, name);
            spec.commandLine().getOut().println("key id " + k.keyId() + " -> " + out.resolve(name + ".key") + ", "
                    + out.resolve(name + ".pub"));
            return 0;
        }
    }

    @Command(name = "admit",
            description = "Write a domain admission record signed by a root key (dam.cbor + dam.cbor.sig).")
    static final class Admit implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Option(names = "--root-key", required = true, description = "Root private key (PEM PKCS#8) that signs the record.")
        Path rootKey;
        @Option(names = "--key", description = "Admitted release key: PEM SPKI or OpenSSH ssh-ed25519 public key (repeatable).")
        List<Path> keys = new ArrayList<>();
        @Option(names = "--revoke", description = "Revoked key id, 16 hex digits (repeatable).")
        List<String> revoked = new ArrayList<>();
        @Option(names = "--witness", defaultValue = "single-witness",
                description = "single-witness, quorum-witness or self-authority (default: ${DEFAULT-VALUE}).")
        String witness;
        @Option(names = "--threshold", defaultValue = "1", description = "k of quorum-witness (default: ${DEFAULT-VALUE}).")
        int threshold;
        @Option(names = "--compatible", required = true, description = "The domain's device class string.")
        String compatible;
        @Option(names = "--policy", required = true, description = "Update policy file; its SHA-256 is pinned.")
        Path policy;
        @Option(names = "--domain", defaultValue = "system", description = "Domain id (default: ${DEFAULT-VALUE}).")
        String domain;
        @Option(names = "--state", required = true,
                description = "State tree root: writes asl-host/host/trusted-roots/<root id>.pub and asl-host/domains/<id>/admission/.")
        Path state;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SigningKey root = Keys.loadSigningKey(rootKey);
            Map<KeyId, byte[]> admitted = new LinkedHashMap<>();
            keys.forEach(p -> {
                byte[] raw = Keys.loadPublicKey(p);
                admitted.put(KeyId.of(raw), raw);
            });
            Set<KeyId> rev = new TreeSet<>();
            revoked.forEach(r -> rev.add(KeyId.parse(r)));
            AdmissionRecord record = new AdmissionRecord(domain, compatible,
                    Sha256.of(Inputs.read(policy, Bounds.AUTHORING_BYTES)), WitnessMode.parse(witness), threshold, admitted, rev);
            Packaging.pinRoot(state, root.keyId().hex(), root.publicKey());
            Path file = Packaging.writeAdmission(state, record, root);
            spec.commandLine().getOut().println("admission record for domain " + domain + " (" + witness + ", "
                    + admitted.size() + " key(s), " + rev.size() + " revoked) signed by root " + root.keyId() + " -> " + file);
            return 0;
        }
    }

    @Command(name = "bundle", description = "Bundle (.nxb) commands.",
            subcommands = BundleCmd.Pack.class)
    static final class BundleCmd implements Runnable {
        @CommandLine.Mixin
        HelpOption help;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "pack", description = "Pack an application jar into a bundle .nxb.")
        static final class Pack implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
            @Option(names = "--name", required = true, description = "Bundle name, [a-z][a-z0-9-]{0,31}.")
            String name;
            @Option(names = "--version", required = true, description = "MAJOR.MINOR.PATCH.")
            String version;
            @Option(names = "--publisher", required = true, description = "Publisher label.")
            String publisher;
            @Option(names = "--ability", description = "Required ability (repeatable).")
            List<String> abilities = new ArrayList<>();
            @Option(names = "--start", required = true, description = "Start command, e.g. 'java -jar payload.jar'.")
            String start;
            @Option(names = "--payload", required = true, description = "The application jar.")
            Path payload;
            @Option(names = "--out", required = true, description = "Output .nxb file.")
            Path out;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                byte[] bytes = Bundle.pack(name, Version.parse(version), publisher, abilities, start,
                        Packaging.readLarge(payload, Bounds.BUNDLE_BYTES));
                Packaging.write(out, bytes);
                spec.commandLine().getOut().println("bundle " + name + " " + version + " sha256 " + Sha256.of(bytes) + " -> " + out);
                return 0;
            }
        }
    }

    @Command(name = "system", description = "System set (.nxs) commands.",
            subcommands = SystemCmd.Pack.class)
    static final class SystemCmd implements Runnable {
        @CommandLine.Mixin
        HelpOption help;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }

        @Command(name = "pack",
                description = "Pack a directory of .nxb bundles and a metadata file into a signed system set .nxs.")
        static final class Pack implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
            @Option(names = "--bundles", required = true, description = "Directory holding the .nxb files.")
            Path bundles;
            @Option(names = "--meta", required = true, description = "JSON: {\"version\": \"1.0.0\", \"publisher\": \"...\"}.")
            Path meta;
            @Option(names = "--key", required = true, description = "Signing private key (repeatable for quorum).")
            List<Path> keys;
            @Option(names = "--out", required = true, description = "Output .nxs file.")
            Path out;
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws IOException {
                Map.Entry<Version, String> m = Packaging.systemMeta(meta);
                List<Path> files = new ArrayList<>();
                try (Stream<Path> s = Files.list(bundles)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".nxb")).sorted().forEach(files::add);
                }
                byte[] nxs = Packaging.systemSet(files, m.getKey(), m.getValue(), signingKeys(keys));
                Packaging.write(out, nxs);
                spec.commandLine().getOut().println("system set " + m.getKey() + " (" + files.size() + " bundles) index sha256 "
                        + Packaging.systemIndexDigest(out) + " -> " + out);
                return 0;
            }
        }
    }

    @Command(name = "release",
            description = "Write a signed release manifest (<out> + <out>.sig) for a slot image, full and/or delta.")
    static final class Release implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Option(names = "--image", required = true, description = "The slot image this release installs.")
        Path image;
        @Option(names = "--full-path", description = "Media path of the full image under updates/ (omit for a delta-only release).")
        String fullPath;
        @Option(names = "--delta", description = "A .nxdelta producing the image from --base-image.")
        Path delta;
        @Option(names = "--delta-path", description = "Media path of the delta under updates/.")
        String deltaPath;
        @Option(names = "--base-image", description = "The image the delta applies to.")
        Path baseImage;
        @Option(names = "--version", required = true, description = "Release version MAJOR.MINOR.PATCH.")
        String version;
        @Option(names = "--min-version", required = true, description = "Lowest installed version this release may update.")
        String minVersion;
        @Option(names = "--compatible", required = true, description = "Device class string; must equal the domain's.")
        String compatible;
        @Option(names = "--system-set", required = true, description = "The image's system set .nxs (its index digest is signed).")
        Path systemSet;
        @Option(names = "--policy", required = true, description = "Update policy file the release expects (SHA-256 signed).")
        Path policy;
        @Option(names = "--key", required = true, description = "Signing private key; the first is the named signer (repeatable).")
        List<Path> keys;
        @Option(names = "--out", required = true, description = "Output manifest file, e.g. manifests/1.1.0.nxm.")
        Path out;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Packaging.DeltaInput> deltas = new ArrayList<>();
            if (delta != null || deltaPath != null || baseImage != null) {
                if (delta == null || deltaPath == null || baseImage == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--delta, --delta-path and --base-image go together");
                }
                deltas.add(new Packaging.DeltaInput(delta, deltaPath, baseImage));
            }
            if (fullPath == null && deltas.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --full-path, a delta, or both");
            }
            Signed s = Packaging.release(new Packaging.ReleaseInput(Version.parse(version), Version.parse(minVersion),
                    compatible, Packaging.systemIndexDigest(systemSet), Sha256.of(Inputs.read(policy, Bounds.AUTHORING_BYTES)),
                    image, Optional.ofNullable(fullPath), deltas), signingKeys(keys));
            s.writeTo(out);
            spec.commandLine().getOut().println("release " + version + " sha256 " + Sha256.of(s.content()) + " -> " + out);
            return 0;
        }
    }

    @Command(name = "feed",
            description = "Compile stable.json into a signed feed (<out> + <out>.sig).")
    static final class FeedCmd implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Option(names = "--json", required = true,
                description = "Authoring form: {\"channel\": \"stable\", \"manifests\": [\"manifests/1.1.0.nxm\"]}.")
        Path json;
        @Option(names = "--updates", required = true, description = "The media's updates/ directory; manifest paths are relative to it.")
        Path updates;
        @Option(names = "--key", required = true, description = "Signing private key (repeatable for quorum).")
        List<Path> keys;
        @Option(names = "--out", required = true, description = "Output feed, e.g. updates/feeds/stable.nxf.")
        Path out;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Signed s = Packaging.compileFeed(json, updates, signingKeys(keys));
            s.writeTo(out);
            spec.commandLine().getOut().println("feed " + Feed.decode(s.content()).entries().size() + " entries -> " + out);
            return 0;
        }
    }

    @Command(name = "verify",
            description = "Verify a system set (.nxs), bundle (.nxb), release manifest, feed or admission record as the device"
                    + " would; prints ALLOW or DENY with the reason code. Needs no private key.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Parameters(index = "0", description = "The file to verify (its .sig is read from beside it).")
        Path file;
        @Option(names = "--state", required = true, description = "State tree root holding the trust store and admission record.")
        Path state;
        @Option(names = "--domain", defaultValue = "system", description = "Domain id (default: ${DEFAULT-VALUE}).")
        String domain;
        @Option(names = "--updates",
                description = "The media's updates/ directory: also check every artifact of a manifest, every manifest of a feed.")
        Path updates;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

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
            String name = file.getFileName().toString();
            if (name.endsWith(".nxb")) {
                try (InputStream in = Files.newInputStream(file)) {
                    Bounds.check(file.toString(), Files.size(file), Bounds.BUNDLE_BYTES);
                    var m = Bundle.read(in, OutputStream.nullOutputStream());
                    return "bundle " + m.name() + " " + m.version() + " consistent (bundles are signed through their system set)";
                } catch (IOException e) {
                    throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + file + ": " + e, e);
                }
            }
            if (name.equals(Trust.ADMISSION_FILE)) {
                Trust t = Trust.establish(TrustStore.load(state.resolve(Trust.ROOTS_DIR)),
                        Inputs.read(file, Bounds.MANIFEST_BYTES),
                        Inputs.read(file.resolveSibling(Trust.ADMISSION_SIGNATURE_FILE), Bounds.SIGNATURE_BYTES));
                return "admission record for domain " + t.admission().domain() + " signed by a pinned root";
            }
            Trust trust = Trust.load(state, domain);
            if (name.endsWith(".nxs")) {
                SystemSet.Verified v = SystemSet.verify(file, trust);
                return "system set " + v.index().version() + " (" + v.bundles().size() + " bundles) signed by " + v.signers();
            }
            String schema = schemaOf(Inputs.read(file, Bounds.MANIFEST_BYTES));
            if (schema.equals(Feed.SCHEMA)) {
                VerifiedFeed f = VerifiedFeed.load(file, trust);
                if (updates != null) {
                    for (Feed.Entry e : f.feed().entries()) {
                        checkArtifacts(f.release(e, updates, trust));
                    }
                }
                return "feed " + f.feed().channel() + " (" + f.feed().entries().size() + " entries) signed by " + f.signers();
            }
            VerifiedRelease r = VerifiedRelease.load(file, trust);
            checkArtifacts(r);
            return "release " + r.manifest().version() + " signed by " + r.signers()
                    + (updates != null ? ", " + r.manifest().artifacts().size() + " artifact(s) verified" : "");
        }

        /** Time spent streaming artifacts through SHA-256, for {@code --timing}. */
        private long artifactNanos;

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
                } catch (java.nio.file.NoSuchFileException e) {
                    throw new TrialbootException(Code.HOST_NOT_FOUND, "artifact " + a.path() + " is not under " + updates);
                } catch (IOException e) {
                    throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read artifact " + a.path() + ": " + e, e);
                }
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

    @Command(name = "inspect",
            description = "Dump any trialboot file in readable form (archives: entries with sizes and digests; CBOR: diagnostic notation).")
    static final class InspectCmd implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help;
        @Parameters(index = "0", description = "The file to dump.")
        Path file;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Inspect.dump(file));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
