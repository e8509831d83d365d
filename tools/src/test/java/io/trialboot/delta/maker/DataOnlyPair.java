package io.trialboot.delta.maker;

import io.trialboot.core.Sha256;
import io.trialboot.delta.BaseImage;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * #17's fixture: two images with dm-verity trees, the target changing a few bytes and moving
 * everything after them, and the data-only (kind 2) delta between them; the ways a test applies it.
 *
 * @param base the base image with its tree, as the active slot holds it
 * @param want the target image with its tree, as the slot must end up
 * @param delta the data-only delta from {@code base} to {@code want}
 * @param signed the target's signed verity parameters
 * @param baseSigned the base's signed verity parameters
 */
record DataOnlyPair(byte[] base, byte[] want, byte[] delta, VerityParams signed, VerityParams baseSigned) {

    /** Makes the pair's images and delta in {@code dir}. */
    static DataOnlyPair make(Path dir) throws IOException {
        byte[] src = new byte[1_500_000];
        new Random(17).nextBytes(src);
        ByteArrayOutputStream moved = new ByteArrayOutputStream();
        moved.write(src, 0, 400_001);
        moved.write(new byte[] {1, 2, 3}, 0, 3);
        moved.write(src, 400_001, src.length - 400_001);
        Path s = DeltaFixtures.withTree(dir, "base.img", src);
        Path t = DeltaFixtures.withTree(dir, "target.img", moved.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaMaker().make(s, t, out);
        return new DataOnlyPair(Files.readAllBytes(s), Files.readAllBytes(t), out.toByteArray(),
                VerityImage.read(t).orElseThrow(), VerityImage.read(s).orElseThrow());
    }

    /** The bytes of the base's data, before its tree. */
    long baseData() {
        return baseSigned.dataSize();
    }

    /** The mapping stage 0 makes of the base: its data, and nothing of its tree. */
    MemoryBlockDevice mapping() {
        return MemoryBlockDevice.of(Arrays.copyOf(base, (int) baseData()), (int) baseData());
    }

    SlotImage baseImage() {
        return new SlotImage(Sha256.of(base), base.length);
    }

    SlotImage wantImage() {
        return new SlotImage(Sha256.of(want), want.length);
    }

    /** The delta over a raw {@code source}, the target's tree proven by {@code verity}. */
    Sha256 apply(BlockDevice source, BlockDevice target, VerityParams verity) throws IOException {
        return DeltaApplier.apply(deltaStream(), deltaImage(), source, target, baseImage(), wantImage(), Optional.of(verity));
    }

    /** The delta over the active slot's data read through its dm-verity {@code mapping}, whose kept manifest signs {@code image}. */
    Sha256 applyVerified(BlockDevice mapping, SlotImage image, BlockDevice target) throws IOException {
        return DeltaApplier.apply(deltaStream(), deltaImage(), BaseImage.verified(mapping, image), target, baseImage(),
                wantImage(), Optional.of(signed));
    }

    /** {@link #applyVerified}, the base's signed tree read from {@code raw}, the whole raw active slot. */
    Sha256 applyWithBaseTree(byte[] raw, BlockDevice target) throws IOException {
        return DeltaApplier.apply(deltaStream(), deltaImage(), BaseImage.verified(mapping(), baseImage(),
                new BaseImage.Tree(MemoryBlockDevice.of(raw, raw.length), baseSigned)), target, baseImage(), wantImage(),
                Optional.of(signed));
    }

    private ByteArrayInputStream deltaStream() {
        return new ByteArrayInputStream(delta);
    }

    private SlotImage deltaImage() {
        return new SlotImage(Sha256.of(delta), delta.length);
    }
}
