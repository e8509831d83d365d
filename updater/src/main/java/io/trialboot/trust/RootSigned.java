package io.trialboot.trust;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for documents only a pinned root may sign (the admission record and the admission
 * decision): the signature is checked over the raw bytes before any of them is parsed. A root's
 * signature that does not verify is {@link Code#SIG_INVALID}; no root among the signers is
 * {@link Code#ADMISSION_NOT_ROOT_SIGNED}.
 */
final class RootSigned {
    private RootSigned() {}

    /** The pinned root whose signature over {@code content} verifies. */
    static KeyId signer(TrustStore roots, byte[] content, byte[] signatureFile, String what) {
        SignatureFile sigs = SignatureFile.decode(signatureFile);
        List<String> seen = new ArrayList<>();
        for (SignatureFile.Entry e : sigs.signatures()) {
            byte[] key = roots.key(e.key());
            if (key == null) {
                seen.add(e.key() + " (not a pinned root)");
            } else if (Ed25519.verify(key, content, e.signature())) {
                return e.key();
            } else {
                throw new TrialbootException(Code.SIG_INVALID, what + " signature by root " + e.key() + " does not verify");
            }
        }
        throw new TrialbootException(Code.ADMISSION_NOT_ROOT_SIGNED, what + " is not signed by a pinned root "
                + roots.ids() + "; signatures: " + (seen.isEmpty() ? "none" : seen));
    }
}
