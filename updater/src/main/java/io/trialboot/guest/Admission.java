package io.trialboot.guest;

import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.DomainState;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.Trust;
import java.util.stream.Collectors;

/**
 * The device's side of domain admission (seed 004 §6.2): once the trust code verified the signed
 * admission record against a pinned root, an unrecognized system domain is recorded as ACCEPTED,
 * which makes it FULL (installs and switches allowed), unless a root's decision was ever applied
 * ({@code nx admit}, {@link AdmissionService}): then the domain's state is the decision's. A
 * suspended or revoked domain is left as it is; an already admitted one is not rewritten.
 */
final class Admission {
    private Admission() {}

    /** Returns true when this call admitted the domain. */
    static boolean record(HostStateTree tree, Trust verified) {
        Domain domain = tree.system();
        if (domain.descriptor().state() != DomainState.UNRECOGNIZED || AdmissionLedger.current(domain) > 0) {
            return false; // admitted, or a root's decision (e.g. DEFERRED) was applied: that stands
        }
        String roots = verified.roots().ids().stream().map(KeyId::hex).collect(Collectors.joining(","));
        domain.recordAdmission(AdmissionOutcome.ACCEPTED, roots, verified.admission().policy().hex(), null);
        return true;
    }
}
