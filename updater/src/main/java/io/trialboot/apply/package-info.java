/** Full apply of a slot image: {@link io.trialboot.apply.FullApply}. */
package io.trialboot.apply;
