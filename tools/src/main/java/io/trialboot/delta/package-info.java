/**
 * The host side of the {@code .nxdelta} format (see {@code docs/delta.md}): start with
 * {@link io.trialboot.delta.DeltaMaker}, which makes a delta from two slot images;
 * {@link io.trialboot.delta.DeltaCli} is its plain command line for the benchmarks. The guest's
 * applier and the header they share are the same package in the {@code updater} module.
 */
package io.trialboot.delta;
