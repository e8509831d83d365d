/**
 * The one tar reader/writer pair of trialboot's archives ({@code .nxb}, {@code .nxs}):
 * {@link io.trialboot.format.tar.TarWriter} writes the deterministic form,
 * {@link io.trialboot.format.tar.TarReader} reads it strictly and streaming, and
 * {@link io.trialboot.format.tar.ArchivePath} is the name rule both share.
 */
package io.trialboot.format.tar;
