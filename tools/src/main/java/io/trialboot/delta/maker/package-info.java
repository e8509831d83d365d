/**
 * The host side of the {@code .nxdelta} format (see {@code docs/delta.md}): start with
 * {@link io.trialboot.delta.maker.DeltaMaker}, which makes a delta from two slot images;
 * {@link io.trialboot.delta.maker.DeltaCli} is its plain command line for the benchmarks. The format
 * itself (header, operation vocabulary) and the guest's applier are {@code io.trialboot.delta}, in
 * the {@code updater} module; this package only writes what that one reads.
 */
package io.trialboot.delta.maker;
