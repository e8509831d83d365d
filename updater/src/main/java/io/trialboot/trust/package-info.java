/**
 * Keys and the trust decision, on the guest's verify path: JDK Ed25519 only, no third-party
 * library. Start with {@link io.trialboot.trust.Trust} ({@code Trust.load(stateRoot, "system")},
 * then {@code verify}); the inputs are {@link io.trialboot.trust.TrustStore} (pinned roots),
 * {@link io.trialboot.trust.AdmissionRecord} and {@link io.trialboot.trust.SignatureFile};
 * {@link io.trialboot.trust.Decision} turns an outcome into ALLOW/DENY with its code.
 */
package io.trialboot.trust;
