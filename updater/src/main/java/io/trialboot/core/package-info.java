/**
 * Values and helpers shared by every part of the updater, in the guest and in the host tools.
 *
 * <p>Start with {@link io.trialboot.core.Slot}, {@link io.trialboot.core.Sha256},
 * {@link io.trialboot.core.Version}, the documented reason codes in {@link io.trialboot.core.Code}
 * (thrown as {@link io.trialboot.core.TrialbootException}) and every input limit in
 * {@link io.trialboot.core.Bounds}. The plumbing every package shares: bounded reads of inputs
 * ({@link io.trialboot.core.Inputs}) and of state files ({@link io.trialboot.core.StateFiles}),
 * the single durable-write helper {@link io.trialboot.core.DurableFiles} behind
 * {@link io.trialboot.core.StateWriter}, and the JSON codec of the records ({@link io.trialboot.core.Json}).
 * Depends on nothing else of trialboot.
 */
package io.trialboot.core;
