package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.WitnessMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trialboot admit}: a domain admission record signed by a root key, either provisioned into a
 * state tree ({@code --state}) or, with a root's decision on it, as an {@code nx admit} directory on
 * the update media ({@code --out}): how a release key is rotated or revoked. {@link Admissions} holds
 * the rules; nothing is written when one refuses.
 */
@Command(name = "admit",
        description = {"Write a domain admission record signed by a root key:",
                "--state DIR: into a state tree (dam.cbor + dam.sig, auth/root.pub; the root pinned in trusted-roots/);",
                "--out DIR --decision OUTCOME --sequence N: an nx admit directory for the update media (the record and"
                        + " the root's decision on it: dam.cbor, dam.sig, admission-decision.cbor, admission-decision.sig)."})
final class AdmitCommand extends ToolCommand implements Callable<Integer> {
    @Option(names = "--root-key", required = true, converter = HostFiles.InputFile.class,
            description = "Root private key (PEM PKCS#8) that signs the record (and the decision).")
    Path rootKey;
    @Option(names = "--key", converter = HostFiles.InputFile.class,
            description = "Admitted release key: PEM SPKI or OpenSSH ssh-ed25519 public key (repeatable).")
    List<Path> keys = new ArrayList<>();
    @Option(names = "--revoke",
            description = "Revoked key: its id (16 hex digits) or its public key file (repeatable); never the signing root.")
    List<String> revoked = new ArrayList<>();
    @Option(names = "--witness", defaultValue = "single-witness",
            description = "single-witness, quorum-witness or self-authority (default: ${DEFAULT-VALUE}).")
    String witness;
    @Option(names = "--threshold", defaultValue = "1", description = "k of quorum-witness (default: ${DEFAULT-VALUE}).")
    int threshold;
    @Option(names = "--compatible", required = true, description = "The domain's device class string.")
    String compatible;
    @Option(names = "--policy", required = true, converter = HostFiles.InputFile.class,
            description = "Update policy file; its SHA-256 is pinned.")
    Path policy;
    @Option(names = "--domain", defaultValue = "system", description = "Domain id (default: ${DEFAULT-VALUE}).")
    String domain;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    /** Where the record goes: a state tree, or an admission directory on the media. */
    static final class Destination {
        @ArgGroup(exclusive = false)
        Tree tree;
        @ArgGroup(exclusive = false)
        Media media;
    }

    /** {@code --state}: provisioning a state tree. */
    static final class Tree {
        @Option(names = "--state", required = true,
                description = "State tree root: writes asl-host/host/trusted-roots/<root id>.pub and asl-host/domains/<id>/admission/.")
        Path state;
        @Option(names = "--new-root",
                description = "Pin --root-key beside the roots the tree already pins (only once the device's boot chain anchors it).")
        boolean newRoot;
    }

    /** {@code --out}: an {@code nx admit} directory. */
    static final class Media {
        @Option(names = "--out", required = true,
                description = "New (or empty) media directory, e.g. updates/admission/rotate-2; nx admit pkg://updates/admission/rotate-2.")
        Path out;
        @Option(names = "--decision", required = true,
                description = "The root's decision: ${COMPLETION-CANDIDATES}.")
        AdmissionDecision.Outcome decision;
        @Option(names = "--sequence", required = true,
                description = "Decision sequence number, above the last one the device applied.")
        long sequence;
    }

    /** A {@code --revoke} value: a key id as 16 hex digits, else a public key file read like {@code --key}. */
    private static KeyId revokedId(String value) {
        if (value.matches("[0-9A-Fa-f]{16}")) {
            return KeyId.parse(value);
        }
        Path file;
        try {
            file = new HostFiles.InputFile().convert(value);
        } catch (TrialbootException e) {
            throw new TrialbootException(e.code(), "--revoke: " + e.detail() + " (give a key id, 16 hex digits, or a public key file)");
        }
        return KeyId.of(Keys.loadPublicKey(file));
    }

    @Override
    public Integer call() {
        SigningKey root = Keys.loadSigningKey(rootKey);
        Map<KeyId, byte[]> admitted = new LinkedHashMap<>();
        keys.forEach(p -> {
            byte[] raw = Keys.loadPublicKey(p);
            admitted.put(KeyId.of(raw), raw);
        });
        Set<KeyId> rev = new TreeSet<>();
        revoked.forEach(r -> rev.add(revokedId(r)));
        AdmissionRecord record = new AdmissionRecord(domain, compatible,
                Sha256.of(Inputs.read(policy, Bounds.AUTHORING_BYTES)), WitnessMode.parse(witness), threshold, admitted, rev);
        String what = "admission record for domain " + domain + " (" + witness + ", " + admitted.size() + " key(s), "
                + rev.size() + " revoked) signed by root " + root.keyId();
        if (destination.media != null) {
            Media m = destination.media;
            Admissions.mediaInput(m.out, record, root, m.decision, m.sequence);
            spec.commandLine().getOut().println(what + ", decision " + m.sequence + " " + m.decision + " -> " + m.out);
        } else {
            Path file = Admissions.provision(destination.tree.state, record, root, destination.tree.newRoot);
            spec.commandLine().getOut().println(what + " -> " + file);
        }
        return 0;
    }
}
