/**
 * The {@code markers check} CI gate: {@link io.trialboot.markers.check.MarkersCheck} (the jar's main
 * class; {@code scripts/markers} runs it).
 */
package io.trialboot.markers.check;
