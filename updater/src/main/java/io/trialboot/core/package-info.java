/**
 * Values and helpers shared by every part of the updater, in the guest and in the host tools.
 *
 * <p>Start with {@link io.trialboot.core.Slot}, {@link io.trialboot.core.Sha256},
 * {@link io.trialboot.core.Version}, the documented reason codes in {@link io.trialboot.core.Code}
 * (thrown as {@link io.trialboot.core.TrialbootException}), the single durable-write helper
 * {@link io.trialboot.core.DurableFiles} and every input limit in {@link io.trialboot.core.Bounds}.
 */
package io.trialboot.core;
