/**
 * The raw-image {@code .nxdelta} format, version 3 (see {@code docs/delta.md}): {@code DeltaMaker}
 * (host tool, {@code io.trialboot.delta.maker} in the {@code tools} module) and {@link io.trialboot.delta.DeltaApplier} (guest,
 * streaming, bounded memory, the base read once by {@link io.trialboot.delta.BaseReader}), sharing
 * {@link io.trialboot.delta.DeltaHeader} and the operation vocabulary {@link io.trialboot.delta.Ops}.
 */
package io.trialboot.delta;
