package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code trialboot admit}: writes a signed admission record and pins its root. */
@Command(name = "admit",
        description = "Write a domain admission record signed by a root key (dam.cbor + dam.sig, and auth/root.pub).")
final class AdmitCommand extends ToolCommand implements Callable<Integer> {
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
