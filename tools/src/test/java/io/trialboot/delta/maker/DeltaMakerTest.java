package io.trialboot.delta.maker;

import static io.trialboot.delta.maker.DeltaFixtures.apply;
import static io.trialboot.delta.maker.DeltaFixtures.edited;
import static io.trialboot.delta.maker.DeltaFixtures.image;
import static io.trialboot.delta.maker.DeltaFixtures.make;
import static io.trialboot.delta.maker.DeltaFixtures.random;
import static io.trialboot.delta.maker.DeltaFixtures.shiftedPair;
import static io.trialboot.delta.maker.DeltaFixtures.withTree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.Ops;
import io.trialboot.delta.maker.DeltaFixtures.ImagePair;
import io.trialboot.delta.maker.DeltaFixtures.Made;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the maker puts in a delta (copies, adds, literals, zeros; data only for images with trees) and that it applies back. */
class DeltaMakerTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsMovedDataWithSmallDelta() throws IOException {
        ImagePair p = shiftedPair();
        Made made = make(dir, p.source(), p.target());
        byte[] delta = made.bytes();
        assertTrue(delta.length < 4_000, "delta is " + delta.length + " bytes");
        assertTrue(made.stats().literalBytes() < 1_000, "literal bytes " + made.stats().literalBytes());
        assertTrue(made.stats().zeroBytes() >= 5_000, "zero bytes " + made.stats().zeroBytes());
        MemoryBlockDevice source = MemoryBlockDevice.of(p.source(), p.source().length);
        MemoryBlockDevice target = MemoryBlockDevice.of(random(new Random(1), 400_000), 400_000);
        Sha256 d = apply(delta, source, target, image(p.source()), image(p.target()));
        assertEquals(Sha256.of(p.target()), d);
        assertArrayEquals(p.target(), target.prefix(p.target().length));
        assertTrue(target.syncs >= 1);
    }

    /** #17: the delta of images carrying trees makes the data only; the applier rebuilds the tree. */
    @Test
    void aDeltaOfImagesWithTreesCarriesNoTreeAndTheApplierRebuildsIt() throws IOException {
        byte[] src = random(new Random(7), 2_000_000);
        ByteArrayOutputStream moved = new ByteArrayOutputStream();
        moved.write(edited(src), 0, 700_001);
        moved.writeBytes(random(new Random(8), 999)); // everything after moves: most leaf digests change
        moved.write(edited(src), 700_001, src.length - 700_001);
        byte[] tgt = moved.toByteArray();
        Path s = withTree(dir, "src.img", src);
        Path t = withTree(dir, "tgt.img", tgt);
        VerityParams v = VerityImage.read(t).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaMaker().make(s, t, out);
        byte[] delta = out.toByteArray();
        assertTrue(DeltaHeader.read(new ByteArrayInputStream(delta)).dataOnly());
        assertTrue(delta.length < 3_000, "delta is " + delta.length + " bytes, the tree " + v.treeSize());
        byte[] base = Files.readAllBytes(s);
        byte[] want = Files.readAllBytes(t);
        MemoryBlockDevice target = MemoryBlockDevice.of(random(new Random(9), want.length), want.length);
        Sha256 got = DeltaApplier.apply(new ByteArrayInputStream(delta), image(delta), MemoryBlockDevice.of(base,
                base.length), target, image(base), image(want), Optional.of(v));
        assertEquals(Sha256.of(want), got);
        assertArrayEquals(want, target.contents());

        TrialbootException unsigned = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), image(delta), MemoryBlockDevice.of(base, base.length),
                new MemoryBlockDevice(want.length), image(base), image(want), Optional.empty()));
        assertEquals(Code.MALFORMED_INPUT, unsigned.code(), unsigned.getMessage());
        VerityParams otherRoot = VerityParams.of(v.dataSize(), v.salt(), Sha256.of(new byte[] {1}));
        TrialbootException wrongRoot = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), image(delta), MemoryBlockDevice.of(base, base.length),
                new MemoryBlockDevice(want.length), image(base), image(want), Optional.of(otherRoot)));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, wrongRoot.code(), wrongRoot.getMessage());
        assertTrue(wrongRoot.getMessage().contains("verity root"), wrongRoot.getMessage());
    }

    @Test
    void smallEditsBecomeAddOperationsNotLiterals() throws IOException {
        byte[] src = random(new Random(3), 300_000);
        byte[] tgt = edited(src);
        Made made = make(dir, src, tgt);
        DeltaMaker.Stats st = made.stats();
        assertTrue(st.addOps() >= 12 && st.addBytes() >= 12 * 58, "ADD " + st.addOps() + "/" + st.addBytes());
        assertEquals(0, st.literalBytes());
        assertTrue(made.bytes().length < 1_000, "delta is " + made.bytes().length + " bytes");
        MemoryBlockDevice target = new MemoryBlockDevice(300_000);
        apply(made.bytes(), MemoryBlockDevice.of(src, src.length), target, image(src), image(tgt));
        assertArrayEquals(tgt, target.contents());
    }

    @Test
    void theBaseIsReadOnceWhenTheTargetKeepsItsOrder() throws IOException {
        byte[] src = random(new Random(4), 3_000_000);
        byte[] tgt = edited(src);
        byte[] delta = make(dir, src, tgt).bytes();
        CountingDevice source = new CountingDevice(MemoryBlockDevice.of(src, src.length));
        apply(delta, source, new MemoryBlockDevice(3_000_000), image(src), image(tgt));
        assertEquals(src.length, source.bytesRead);
    }

    @Test
    void unrelatedImagesBecomeLiterals() throws IOException {
        Random r = new Random(7);
        byte[] a = random(r, 10_000);
        byte[] b = random(r, 9_000);
        byte[] delta = make(dir, a, b).bytes();
        MemoryBlockDevice target = new MemoryBlockDevice(9_000);
        apply(delta, MemoryBlockDevice.of(a, 10_000), target, image(a), image(b));
        assertArrayEquals(b, target.contents());
    }

    @Test
    void varintsAndZigzagRoundTrip() throws IOException {
        for (long v : new long[] {0, 1, 127, 128, 1L << 40, Long.MAX_VALUE}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Ops.writeVarint(out, v);
            assertEquals(v, Ops.readVarint(new ByteArrayInputStream(out.toByteArray())));
        }
        for (long v : new long[] {0, -1, 1, -123456789, 1L << 50}) {
            assertEquals(v, Ops.unzigzag(Ops.zigzag(v)));
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingDevice extends ForwardingDevice {
        long bytesRead;

        CountingDevice(BlockDevice inner) {
            super(inner);
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            bytesRead += dst.remaining();
            target.read(offset, dst);
        }
    }
}
