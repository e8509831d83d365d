/**
 * The update state machine (SPEC §4). Start with {@link io.trialboot.update.UpdateEngine}: {@code onBoot}
 * (bootctld start-up), {@code admit}, {@code apply}, {@code switchSlot}, {@code onHealth} /
 * {@code confirm} / {@code rollback}, {@code selfcheck}. A release arrives as a
 * {@link io.trialboot.update.InstallPlan} (bound to the formats code by the caller); healthd's
 * quorum is {@link io.trialboot.update.HealthGate} over {@link io.trialboot.update.Probe}s.
 */
package io.trialboot.update;
