/**
 * Signed documents after their trust decision: {@link io.trialboot.verified.VerifiedFeed#load}
 * and {@link io.trialboot.verified.VerifiedRelease#load} (updated, and the host's {@code verify})
 * read a feed or a release manifest with its signature file, bounded, and return it only when the
 * signers meet the domain's witness mode ({@link io.trialboot.trust.Trust}) and it matches the
 * admission record. Above both {@code format} (the documents) and {@code trust} (the decision).
 */
package io.trialboot.verified;
