/**
 * Markers: the console lines trialboot prints to say what happened, and the contracts that say
 * which must appear, in which boot, how fast.
 *
 * <p>Where to start:
 * <ul>
 *   <li>{@link io.trialboot.markers.Marker} — the catalog; the guest prints {@code Marker.X.line(...)}.
 *       It loads nothing else from this package but a small type checker.</li>
 *   <li>{@link io.trialboot.markers.ConsoleLine}, {@link io.trialboot.markers.ConsoleLog},
 *       {@link io.trialboot.markers.BootBoundary} — the boot-indexed, timestamped console log and its
 *       {@code serial.log} form.</li>
 *   <li>{@link io.trialboot.markers.Contract} — a parsed contract file ({@code contracts/*.contract});
 *       {@link io.trialboot.markers.ContractMatcher} checks lines against it, live or offline;
 *       {@link io.trialboot.markers.ContractFailure#report} renders a failure.</li>
 * </ul>
 * The format, the catalog table and the error codes are in {@code docs/markers.md}.
 */
package io.trialboot.markers;
