/**
 * Builds the riscv64 guest from Debian trixie packages, without root and without loop mounts,
 * and the release fixtures the end-to-end tests install.
 *
 * <p>Start at {@link io.trialboot.image.ImageBuild}: it fetches the packages
 * ({@link io.trialboot.image.DebianPackages}, verified by apt's signed Release chain), builds the
 * stage-0 initramfs ({@link io.trialboot.image.Initramfs}), the squashfs slot images
 * ({@link io.trialboot.image.SquashfsSlotBuilder}) and the GPT disk ({@link io.trialboot.image.DiskImage}),
 * records every input and output in a build manifest and caches the result keyed by its inputs
 * ({@link io.trialboot.image.BuildCache}). Every output is reproducible
 * ({@link io.trialboot.image.StableTree}, {@link io.trialboot.image.Ext4Times}, docs/reproducibility.md);
 * the build reports download progress ({@link io.trialboot.image.DownloadProgress}) and each
 * assembly stage's time ({@link io.trialboot.image.BuildStages}).
 *
 * <p>Release fixtures (docs/architecture.md, "Release fixtures"): test keys
 * ({@link io.trialboot.image.FixtureKeys}), the demo bundle ({@link io.trialboot.image.DemoBundle}),
 * the releases v1.0.0..v1.3.0 and their system sets ({@link io.trialboot.image.Fixture}), the
 * factory trust and admission in the state tree ({@link io.trialboot.image.FactoryState}), the
 * signed releases, delta and feed ({@link io.trialboot.image.ReleaseMedia}), the hostile-input
 * corpus ({@link io.trialboot.image.HostileCorpus}, its guest cases on the media), their proof on the host
 * ({@link io.trialboot.image.FixtureCheck}) and the update media disk
 * ({@link io.trialboot.image.MediaImage}).
 */
package io.trialboot.image;
