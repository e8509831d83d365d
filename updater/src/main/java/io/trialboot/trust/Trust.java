package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trust decision: pinned roots plus the domain's admission record, verified to be signed by
 * one of those roots. {@link #verify} decides whether signed metadata (release manifest, feed,
 * system-set index) carries enough valid signatures for the domain's witness mode.
 *
 * <p>Per signature, in this order: a revoked key id gives {@link Code#KEY_REVOKED}; an admitted key
 * (or, under self-authority, a pinned root) is checked and gives a valid signer or
 * {@link Code#SIG_INVALID}; a pinned root that is not admitted gives {@link Code#KEY_NOT_ADMITTED};
 * any other id is {@link Code#KEY_UNKNOWN}. Distinct valid signers are counted (the same key twice
 * counts once); failing signatures beside enough valid ones are ignored. When too few are valid:
 * no signature at all is {@link Code#SIG_MISSING}, a threshold of 1 reports the first signature's
 * code, a quorum reports {@link Code#QUORUM_NOT_MET} listing each signature's outcome.
 */
public final class Trust {
    /**
     * The state partition's mirror of the anchored roots, relative to its root: never trusted by
     * the guest ({@link RootMirror}); host tools read it as their own tree's roots.
     */
    public static final String ROOTS_DIR = "asl-host/host/trusted-roots";
    public static final String ADMISSION_FILE = "dam.cbor";
    public static final String ADMISSION_SIGNATURE_FILE = "dam.sig";

    private final TrustStore roots;
    private final AdmissionRecord admission;
    private final KeyId admittedBy;
    /** Stage 0's verdict the record was taken on in this boot, or empty: its root signature was checked here. */
    private final Optional<Stage0Verdict> vouchedBy;

    private Trust(TrustStore roots, AdmissionRecord admission, KeyId admittedBy, Optional<Stage0Verdict> vouchedBy) {
        this.roots = roots;
        this.admission = admission;
        this.admittedBy = admittedBy;
        this.vouchedBy = vouchedBy;
    }

    /** The pinned root that signed the admission record. */
    public KeyId admittedBy() {
        return admittedBy;
    }

    /** That root's public key as PEM: what a domain's {@code auth/root.pub} holds. */
    public byte[] admittedByPem() {
        return Ed25519.toPem(roots.key(admittedBy));
    }

    /** {@code domains/<domain>/admission}, relative to the root of the state partition. */
    public static String admissionDir(String domain) {
        return "asl-host/domains/" + domain + "/admission";
    }

    /**
     * Host tools only: the roots and the admission record of an operator's own state tree, where the
     * mirror {@link #ROOTS_DIR} is the only copy of the roots. The guest uses
     * {@link #load(Path, Path, String, String, Optional)}, with the anchored roots and the record in force.
     */
    public static Trust load(Path stateRoot, String domain) {
        return load(stateRoot.resolve(ROOTS_DIR), stateRoot, domain, Optional.empty());
    }

    /**
     * The guest's trust on the domain's factory admission record: {@link #load(Path, Path, String, String, Optional)}
     * of {@link #ADMISSION_FILE}.
     */
    public static Trust load(Path anchorDir, Path stateRoot, String domain, Optional<Stage0Verdict> verdict) {
        return load(anchorDir, stateRoot, domain, ADMISSION_FILE, verdict);
    }

    /**
     * The guest's trust: roots only from {@code anchorDir} (the read-only copy of the initramfs'
     * roots stage 0 hands over) and the domain's admission record in force from the state tree,
     * {@code file} under its admission directory ({@link #ADMISSION_FILE}, the factory's, or
     * {@code <sequence>/dam.cbor}, the one {@code nx admit} applied last), taken on stage 0's
     * {@code verdict} when it vouches for those bytes ({@link #establish(TrustStore, String, byte[],
     * byte[], Optional)}). A record signed by a root that only the state partition's mirror holds is
     * {@link Code#ROOT_NOT_ANCHORED}; a record for another domain {@link Code#HOST_ADMISSION_REJECTED}.
     */
    public static Trust load(Path anchorDir, Path stateRoot, String domain, String file,
            Optional<Stage0Verdict> verdict) {
        return load(TrustStore.load(anchorDir), stateRoot, domain, file, verdict);
    }

    /** {@link #load(Path, Path, String, String, Optional)} on the anchored {@code roots} already read (the boot reads them once). */
    public static Trust load(TrustStore roots, Path stateRoot, String domain, String file, Optional<Stage0Verdict> verdict) {
        Path path = stateRoot.resolve(admissionDir(domain)).resolve(file);
        if (!path.getFileName().toString().equals(ADMISSION_FILE)) {
            throw new IllegalArgumentException("an admission record is a " + ADMISSION_FILE + ", not " + file);
        }
        Path dir = path.getParent();
        byte[] record = Inputs.read(path, Bounds.MANIFEST_BYTES);
        byte[] signatures = Inputs.read(dir.resolve(ADMISSION_SIGNATURE_FILE), Bounds.SIGNATURE_BYTES);
        Trust trust;
        try {
            trust = establish(roots, file, record, signatures, verdict);
        } catch (TrialbootException e) {
            throw e.code() == Code.ADMISSION_NOT_ROOT_SIGNED ? mirrorOnly(roots, stateRoot, signatures, e) : e;
        }
        if (!trust.admission.domain().equals(domain)) {
            throw new TrialbootException(Code.HOST_ADMISSION_REJECTED, "admission record in " + dir
                    + " is for domain '" + trust.admission.domain() + "', not '" + domain + "'");
        }
        return trust;
    }

    /** The mirror's refused roots: {@link RootMirror#check} against the anchor in {@code anchorDir}. */
    public static List<RootMirror.Refusal> refusedMirrorRoots(Path anchorDir, Path stateRoot) {
        return refusedMirrorRoots(TrustStore.load(anchorDir), stateRoot);
    }

    /** The same against the {@code anchored} roots already read. */
    public static List<RootMirror.Refusal> refusedMirrorRoots(TrustStore anchored, Path stateRoot) {
        return RootMirror.check(anchored, stateRoot.resolve(ROOTS_DIR));
    }

    /** A record signed by a root that only the mirror holds gets the mirror's own code. */
    private static TrialbootException mirrorOnly(TrustStore roots, Path stateRoot, byte[] signatures,
            TrialbootException notRootSigned) {
        TrustStore mirror;
        try {
            mirror = TrustStore.load(stateRoot.resolve(ROOTS_DIR));
        } catch (TrialbootException unreadable) {
            return notRootSigned;
        }
        for (SignatureFile.Entry e : SignatureFile.decode(signatures).signatures()) {
            if (mirror.pins(e.key()) && !roots.pins(e.key())) {
                return new TrialbootException(Code.ROOT_NOT_ANCHORED, "admission record is signed by root " + e.key()
                        + ", which only the state partition's mirror " + ROOTS_DIR + " holds, not the boot chain's anchor "
                        + roots.ids());
            }
        }
        return notRootSigned;
    }

    /**
     * Accepts an admission record only with a valid signature by a pinned root, checked over the raw
     * bytes before a byte of the record is parsed; a record that revokes the very root that signed it
     * contradicts itself and is refused ({@link Code#ADMISSION_REVOKES_SIGNER}).
     */
    public static Trust establish(TrustStore roots, byte[] admissionBytes, byte[] signatureFile) {
        Objects.requireNonNull(roots, "roots");
        Bounds.check("admission record", admissionBytes.length, Bounds.MANIFEST_BYTES);
        KeyId root = RootSigned.signer(roots, admissionBytes, signatureFile, "admission record");
        return decided(roots, admissionBytes, root, Optional.empty());
    }

    /**
     * The boot's admission record ({@code file} under the domain's admission directory): when stage 0's
     * {@code verdict} vouches for exactly these bytes under that name, and names an anchored root as
     * their signer, the record is taken on it, with no Ed25519 in this JVM: stage 0 checked that
     * root's signature over these bytes with OpenSSL in this boot, from the same anchor
     * (docs/verified-boot.md#stage-0s-verdict). Any other case (no verdict, a verdict for another
     * file or other bytes, a root the anchor lacks) is {@link #establish(TrustStore, byte[], byte[])}'s
     * full check. Either way the record is parsed only once its bytes are proved, and a record
     * revoking its own signer is refused.
     */
    public static Trust establish(TrustStore roots, String file, byte[] admissionBytes, byte[] signatureFile,
            Optional<Stage0Verdict> verdict) {
        Objects.requireNonNull(roots, "roots");
        Bounds.check("admission record", admissionBytes.length, Bounds.MANIFEST_BYTES);
        if (verdict.isEmpty() || !verdict.get().vouches(file, admissionBytes) || !roots.pins(verdict.get().admittedBy())) {
            return establish(roots, admissionBytes, signatureFile);
        }
        return decided(roots, admissionBytes, verdict.get().admittedBy(), verdict);
    }

    /** A record whose signature by {@code root} is proved: parsed, and refused when it revokes that root. */
    private static Trust decided(TrustStore roots, byte[] admissionBytes, KeyId root, Optional<Stage0Verdict> vouchedBy) {
        AdmissionRecord record = AdmissionRecord.decode(admissionBytes);
        if (record.revoked().contains(root)) {
            throw new TrialbootException(Code.ADMISSION_REVOKES_SIGNER, "admission record for domain '"
                    + record.domain() + "' revokes " + root + ", the root that signed it");
        }
        return new Trust(roots, record, root, vouchedBy);
    }

    /** Stage 0's verdict this trust's record was taken on in this boot; empty when its signature was checked here. */
    public Optional<Stage0Verdict> vouchedBy() {
        return vouchedBy;
    }

    /**
     * True when this trust's record was taken on stage 0's verdict and the verdict is for
     * {@code booted}: stage 0 verified that slot's signed manifest under this very record (witness
     * mode, revocations) and mapped the slot through dm-verity with the signed root hash, so every
     * byte read from it is a byte the manifest's signers signed.
     */
    public boolean coversSlot(Slot booted) {
        return vouchedBy.isPresent() && vouchedBy.get().slot() == booted;
    }

    public AdmissionRecord admission() {
        return admission;
    }

    public TrustStore roots() {
        return roots;
    }

    /**
     * Decodes the signature file (bounded) and verifies; see {@link #verify(String, byte[], SignatureFile)}.
     * A signature file that does not decode (cut short, garbage) is refused with its code, naming whose
     * signature file it is ("release manifest signature file: CBOR: input ends at offset 50").
     */
    public Set<KeyId> verify(String what, byte[] content, byte[] signatureFile) {
        SignatureFile sigs;
        try {
            sigs = SignatureFile.decode(signatureFile);
        } catch (TrialbootException e) {
            throw new TrialbootException(e.code(), what + " signature file: " + e.detail(), e);
        }
        return verify(what, content, sigs);
    }

    /** Returns the distinct valid signers when they meet the witness mode; otherwise throws with the code. */
    public Set<KeyId> verify(String what, byte[] content, SignatureFile sigs) {
        return judge(what, content, sigs, true);
    }

    /**
     * {@link #verify} for content read from the slot {@code booted} that the guest runs from. When this
     * trust {@link #coversSlot covers} that slot, every key is judged by the same rule (revoked,
     * admitted, root under self-authority, root, unknown; distinct signers against the threshold), but
     * a signature by a key that rule accepts is not checked again: the content is part of the slot
     * whose signed manifest met this same record's witness mode in stage 0, and dm-verity serves only
     * the bytes that manifest pins. Otherwise it is {@link #verify}.
     */
    public Set<KeyId> verifyFromBootedSlot(String what, byte[] content, SignatureFile sigs, Slot booted) {
        return judge(what, content, sigs, !coversSlot(booted));
    }

    private Set<KeyId> judge(String what, byte[] content, SignatureFile sigs, boolean checkSignatures) {
        int required = admission.threshold();
        Set<KeyId> valid = new TreeSet<>();
        Map<KeyId, Code> outcomes = new LinkedHashMap<>();
        for (SignatureFile.Entry e : sigs.signatures()) {
            KeyId id = e.key();
            Code outcome = check(id, content, e.signature(), checkSignatures);
            if (outcome == Code.HOST_OK) {
                valid.add(id);
            }
            outcomes.putIfAbsent(id, outcome);
        }
        if (valid.size() >= required) {
            return Collections.unmodifiableSet(valid);
        }
        if (outcomes.isEmpty()) {
            throw new TrialbootException(Code.SIG_MISSING, what + " carries no signature");
        }
        if (required == 1) {
            Map.Entry<KeyId, Code> first = outcomes.entrySet().iterator().next();
            throw new TrialbootException(first.getValue(), what + ": " + explain(first.getKey(), first.getValue()));
        }
        List<String> details = new ArrayList<>();
        outcomes.forEach((id, code) -> details.add(explain(id, code)));
        throw new TrialbootException(Code.QUORUM_NOT_MET, what + ": " + valid.size() + " distinct valid admitted signer(s), "
                + admission.witness() + " needs " + required + "; " + String.join("; ", details));
    }

    private Code check(KeyId id, byte[] content, byte[] signature, boolean checkSignature) {
        if (admission.revoked().contains(id)) {
            return Code.KEY_REVOKED;
        }
        byte[] key = admission.keys().get(id);
        if (key == null && admission.witness() == WitnessMode.SELF) {
            key = roots.key(id);
        }
        if (key != null) {
            return !checkSignature || Ed25519.verify(key, content, signature) ? Code.HOST_OK : Code.SIG_INVALID;
        }
        return roots.pins(id) ? Code.KEY_NOT_ADMITTED : Code.KEY_UNKNOWN;
    }

    private static String explain(KeyId id, Code code) {
        switch (code) {
            case HOST_OK: return "key " + id + " valid";
            case KEY_REVOKED: return "key " + id + " is revoked by the admission record";
            case SIG_INVALID: return "signature by key " + id + " does not verify";
            case KEY_NOT_ADMITTED: return "key " + id + " is a pinned root but not admitted to sign releases";
            default: return "key " + id + " is unknown (no pinned root, admitted or revoked key has this id)";
        }
    }
}
