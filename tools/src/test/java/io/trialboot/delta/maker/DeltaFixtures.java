package io.trialboot.delta.maker;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/** The images, deltas and devices the delta tests share: made from fixed seeds, so every run sees the same bytes. */
final class DeltaFixtures {
    private DeltaFixtures() {}

    /** A source image and the target a delta is made to. */
    record ImagePair(byte[] source, byte[] target) {}

    /** A delta's bytes and what the maker says it put in them. */
    record Made(byte[] bytes, DeltaMaker.Stats stats) {}

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A source, and a target where a run was inserted (everything after shifts), one changed, zeros added. */
    static ImagePair shiftedPair() {
        Random r = new Random(42);
        byte[] src = random(r, 300_000);
        Arrays.fill(src, 100_000, 120_000, (byte) 0);
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        t.write(src, 0, 50_000);
        t.writeBytes(random(r, 777)); // insert: the rest moves by an odd amount
        t.write(src, 50_000, 150_000);
        t.writeBytes(new byte[5000]);
        byte[] changed = Arrays.copyOfRange(src, 200_000, 300_000);
        changed[1234] ^= 1;
        t.writeBytes(changed);
        t.write(src, 7, 3); // short tail
        return new ImagePair(src, t.toByteArray());
    }

    /** The source with a third of the bytes changed in a few short stretches (small edits scattered through it). */
    static byte[] edited(byte[] src) {
        byte[] t = src.clone();
        for (int at = 10_000; at < t.length - 100; at += 25_000) {
            for (int i = at; i < at + 60; i += 3) {
                t[i]++;
            }
        }
        return t;
    }

    /** The delta from {@code src} to {@code tgt}, made by the maker from files in {@code dir}. */
    static Made make(Path dir, byte[] src, byte[] tgt) throws IOException {
        Path s = dir.resolve("src.img");
        Path t = dir.resolve("tgt.img");
        Files.write(s, src);
        Files.write(t, tgt);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaMaker.Stats stats = new DeltaMaker().make(s, t, out);
        return new Made(out.toByteArray(), stats);
    }

    /** {@link #make} of the pair. */
    static byte[] make(Path dir, ImagePair p) throws IOException {
        return make(dir, p.source(), p.target()).bytes();
    }

    static SlotImage image(byte[] b) {
        return new SlotImage(Sha256.of(b), b.length);
    }

    /** Applies {@code delta} as a release signing exactly these bytes would. */
    static Sha256 apply(byte[] delta, BlockDevice source, BlockDevice target, SlotImage base, SlotImage tgt)
            throws IOException {
        return DeltaApplier.apply(new ByteArrayInputStream(delta), image(delta), source, target, base, tgt,
                Optional.empty());
    }

    /** A squashfs-looking image (magic, bytes_used) of {@code data} with its dm-verity tree appended, as {@code dir/name}. */
    static Path withTree(Path dir, String name, byte[] data) throws IOException {
        byte[] b = data.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x73717368).putLong(40, b.length);
        Path p = dir.resolve(name);
        Files.write(p, b);
        VerityImage.append(p);
        return p;
    }

    /** {@code inner}, whose reads reaching past {@code limit} fail as the kernel's EIO does: "read of {@code what} at ...". */
    static BlockDevice failingReadsPast(BlockDevice inner, long limit, String what) {
        return new ForwardingDevice(inner) {
            @Override
            public void read(long offset, ByteBuffer dst) {
                if (offset + dst.remaining() > limit) {
                    throw new TrialbootException(Code.HOST_IO_ERROR, "read of " + what + " at " + offset
                            + " failed: Input/output error");
                }
                target.read(offset, dst);
            }
        };
    }
}
