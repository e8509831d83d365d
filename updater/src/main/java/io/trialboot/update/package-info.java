/**
 * The update state machine (SPEC §4). Start with {@link io.trialboot.update.UpdateEngine}: {@code onBoot}
 * (bootctld start-up), {@code admit}, {@code apply}, {@code switchSlot}, {@code onHealth} /
 * {@code confirm} / {@code rollback}, {@code selfcheck}. A release arrives as a
 * {@link io.trialboot.update.InstallPlan} (bound to the formats code by the caller); healthd's
 * quorum is {@link io.trialboot.update.HealthGate} over {@link io.trialboot.update.Probe}s.
 *
 * <p>The engine only sequences the transitions; their parts live beside it:
 * {@link io.trialboot.update.UpdatePolicy} (every {@link io.trialboot.update.Denial} of an install),
 * {@code BootRecovery} (what a power cut or a stage-0 fallback kept from the history),
 * {@code Selfcheck}, {@code RollbackFloor}, {@code SlotWrite} (the
 * bytes of an install) and {@code Journal} (one history line).
 */
package io.trialboot.update;
