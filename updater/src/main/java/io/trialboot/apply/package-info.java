/**
 * Full apply of a slot image ({@link io.trialboot.apply.FullApply}) and the progress of a slot write
 * ({@link io.trialboot.apply.Progress}: the {@code update: progress} lines, not markers).
 */
package io.trialboot.apply;
