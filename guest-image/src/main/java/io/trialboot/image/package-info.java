/**
 * Builds the riscv64 guest from Debian trixie packages, without root and without loop mounts.
 *
 * <p>Start at {@link io.trialboot.image.ImageBuild}: it fetches the packages
 * ({@link io.trialboot.image.DebianPackages}, verified by apt's signed Release chain), builds the
 * stage-0 initramfs ({@link io.trialboot.image.Initramfs}), the squashfs slot image
 * ({@link io.trialboot.image.SlotImage}) and the GPT disk ({@link io.trialboot.image.DiskImage}),
 * records every input and output in a build manifest and caches the result keyed by its inputs
 * ({@link io.trialboot.image.BuildCache}).
 */
package io.trialboot.image;
