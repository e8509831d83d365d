/**
 * The raw-image {@code .nxdelta} format (see {@code docs/delta.md}): {@link io.trialboot.delta.DeltaMaker}
 * (host tool) and {@link io.trialboot.delta.DeltaApplier} (guest, streaming, bounded memory), sharing
 * {@link io.trialboot.delta.DeltaHeader}.
 */
package io.trialboot.delta;
