/**
 * dm-verity hash trees, built and checked with the JDK alone (the guest may recompute a tree after
 * a delta). Start with {@link io.trialboot.verity.VerityTree#build}: it reads a slot image's data
 * and writes the kernel's format-1 hash tree, byte for byte what {@code veritysetup format
 * --no-superblock} writes, returning the {@link io.trialboot.verity.VerityParams} a release manifest
 * signs and stage 0 hands to {@code dmsetup}. Why no superblock: docs/verified-boot.md.
 */
package io.trialboot.verity;
