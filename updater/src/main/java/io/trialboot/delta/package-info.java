/**
 * The raw-image {@code .nxdelta} format (see {@code docs/delta.md}): {@code DeltaMaker}
 * (host tool, in the {@code tools} module) and {@link io.trialboot.delta.DeltaApplier} (guest, streaming, bounded memory), sharing
 * {@link io.trialboot.delta.DeltaHeader}.
 */
package io.trialboot.delta;
