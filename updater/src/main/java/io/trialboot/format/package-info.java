/**
 * trialboot's signed formats, shared by the guest and the host tools (SPEC §3). Guest entry point:
 * {@link io.trialboot.format.SystemSet#verify} (bundlemgrd), with the trust decision of
 * {@link io.trialboot.trust.Trust}; verified feeds and releases are {@code io.trialboot.verified}'s,
 * the package above this one and trust. Documents: {@link io.trialboot.format.ReleaseManifest},
 * {@link io.trialboot.format.Feed}, {@link io.trialboot.format.SystemIndex},
 * {@link io.trialboot.format.BundleManifest} / {@link io.trialboot.format.Bundle}. Every read is
 * bounded first ({@link io.trialboot.core.Inputs}, {@link io.trialboot.core.Bounds}). Nothing here
 * imports BouncyCastle or picocli: see {@code docs/formats.md}, "What the guest loads".
 */
package io.trialboot.format;
