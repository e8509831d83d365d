package io.trialboot.delta.maker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.Ops;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTest {
    @TempDir
    Path dir;

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A source, and a target where a run was inserted (everything after shifts), one changed, zeros added. */
    private static byte[][] shiftedPair() {
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
        return new byte[][] {src, t.toByteArray()};
    }

    private byte[] make(byte[] src, byte[] tgt, DeltaMaker.Stats[] stats) throws IOException {
        Path s = dir.resolve("src.img");
        Path t = dir.resolve("tgt.img");
        Files.write(s, src);
        Files.write(t, tgt);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaMaker.Stats st = new DeltaMaker().make(s, t, out);
        if (stats != null) {
            stats[0] = st;
        }
        return out.toByteArray();
    }

    private static SlotImage image(byte[] b) {
        return new SlotImage(Sha256.of(b), b.length);
    }

    /** Applies {@code delta} as a release signing exactly these bytes would. */
    private static Sha256 apply(byte[] delta, BlockDevice source, BlockDevice target, SlotImage base, SlotImage tgt)
            throws IOException {
        return DeltaApplier.apply(new ByteArrayInputStream(delta), image(delta), source, target, base, tgt,
                Optional.empty());
    }

    /** The source with a third of the bytes changed in a few short stretches (small edits scattered through it). */
    private static byte[] edited(byte[] src) {
        byte[] t = src.clone();
        for (int at = 10_000; at < t.length - 100; at += 25_000) {
            for (int i = at; i < at + 60; i += 3) {
                t[i]++;
            }
        }
        return t;
    }

    @Test
    void roundTripsMovedDataWithSmallDelta() throws IOException {
        byte[][] p = shiftedPair();
        DeltaMaker.Stats[] st = new DeltaMaker.Stats[1];
        byte[] delta = make(p[0], p[1], st);
        assertTrue(delta.length < 4_000, "delta is " + delta.length + " bytes");
        assertTrue(st[0].literalBytes() < 1_000, "literal bytes " + st[0].literalBytes());
        assertTrue(st[0].zeroBytes() >= 5_000, "zero bytes " + st[0].zeroBytes());
        MemoryBlockDevice source = MemoryBlockDevice.of(p[0], p[0].length);
        MemoryBlockDevice target = MemoryBlockDevice.of(random(new Random(1), 400_000), 400_000);
        Sha256 d = apply(delta, source, target, image(p[0]), image(p[1]));
        assertEquals(Sha256.of(p[1]), d);
        assertArrayEquals(p[1], target.prefix(p[1].length));
        assertTrue(target.syncs >= 1);
    }

    /** A squashfs-looking image (magic, bytes_used) of random data with its dm-verity tree appended. */
    private Path verityImage(String name, byte[] data) throws IOException {
        byte[] b = data.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x73717368).putLong(40, b.length);
        Path p = dir.resolve(name);
        Files.write(p, b);
        VerityImage.append(p);
        return p;
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
        Path s = verityImage("src.img", src);
        Path t = verityImage("tgt.img", tgt);
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
        DeltaMaker.Stats[] st = new DeltaMaker.Stats[1];
        byte[] delta = make(src, tgt, st);
        assertTrue(st[0].addOps() >= 12 && st[0].addBytes() >= 12 * 58, "ADD " + st[0].addOps() + "/" + st[0].addBytes());
        assertEquals(0, st[0].literalBytes());
        assertTrue(delta.length < 1_000, "delta is " + delta.length + " bytes");
        MemoryBlockDevice target = new MemoryBlockDevice(300_000);
        apply(delta, MemoryBlockDevice.of(src, src.length), target, image(src), image(tgt));
        assertArrayEquals(tgt, target.contents());
    }

    @Test
    void theBaseIsReadOnceWhenTheTargetKeepsItsOrder() throws IOException {
        byte[] src = random(new Random(4), 3_000_000);
        byte[] tgt = edited(src);
        byte[] delta = make(src, tgt, null);
        CountingDevice source = new CountingDevice(MemoryBlockDevice.of(src, src.length));
        apply(delta, source, new MemoryBlockDevice(3_000_000), image(src), image(tgt));
        assertEquals(src.length, source.bytesRead);
    }

    @Test
    void unrelatedImagesBecomeLiterals() throws IOException {
        Random r = new Random(7);
        byte[] a = random(r, 10_000);
        byte[] b = random(r, 9_000);
        byte[] delta = make(a, b, null);
        MemoryBlockDevice target = new MemoryBlockDevice(9_000);
        apply(delta, MemoryBlockDevice.of(a, 10_000), target, image(a), image(b));
        assertArrayEquals(b, target.contents());
    }

    /** The target digest alone would pass: the base differs only where no copy reads. It is refused all the same. */
    @Test
    void wrongBaseIsRefusedBeforeTheTargetIsTrusted() throws IOException {
        byte[] src = random(new Random(5), 300_000);
        byte[] tgt = Arrays.copyOf(src, 150_000);
        byte[] delta = make(src, tgt, null);
        byte[] other = src.clone();
        other[250_000] ^= 1; // where no copy reads
        MemoryBlockDevice target = new MemoryBlockDevice(300_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta,
                MemoryBlockDevice.of(other, other.length), target, image(src), image(tgt)));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("the inactive slot stays invalid"), e.getMessage());
        assertArrayEquals(tgt, target.prefix(tgt.length), "the target was written, then not trusted");
    }

    @Test
    void deltaForAnotherBaseThanTheReleaseNamesIsRefused() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta,
                MemoryBlockDevice.of(p[0], p[0].length), target, new SlotImage(Sha256.of(new byte[1]), p[0].length),
                image(p[1])));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("DELTA_BASE_MISMATCH: delta applies to "), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** #16: bytes that are not the signed ones reach no parser, whatever they hold. */
    @Test
    void unsignedDeltaBytesAreRefusedBeforeAnyParserSeesThem() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] flipped = delta.clone();
        flipped[delta.length - 3] ^= 1;
        byte[] garbage = new byte[delta.length]; // not even the magic: a parser would say MALFORMED_INPUT
        for (byte[] bad : new byte[][] {flipped, garbage}) {
            MemoryBlockDevice target = new MemoryBlockDevice(400_000);
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), image(delta), MemoryBlockDevice.of(p[0], p[0].length), target,
                    image(p[0]), image(p[1]), Optional.empty()));
            assertEquals(Code.ARTIFACT_DIGEST_MISMATCH, e.code(), e.getMessage());
            assertTrue(e.getMessage().endsWith("none of it was read"), e.getMessage());
            assertEquals(0, target.writes);
        }
        for (byte[] bad : new byte[][] {Arrays.copyOf(delta, delta.length - 1), Arrays.copyOf(delta, delta.length + 1)}) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), image(delta), MemoryBlockDevice.of(p[0], p[0].length),
                    new MemoryBlockDevice(400_000), image(p[0]), image(p[1]), Optional.empty()));
            assertEquals(Code.APPLY_SIZE_MISMATCH, e.code(), e.getMessage());
        }
        SlotImage huge = new SlotImage(image(delta).digest(), Bounds.DELTA_BYTES + 1);
        TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), huge, MemoryBlockDevice.of(p[0], p[0].length),
                new MemoryBlockDevice(400_000), image(p[0]), image(p[1]), Optional.empty()));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code(), e.getMessage());
    }

    /** Signed but broken: the parser's own checks. */
    @Test
    void truncatedCorruptOrPaddedDeltasAreMalformed() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] truncated = Arrays.copyOf(delta, delta.length - 10);
        byte[] padded = Arrays.copyOf(delta, delta.length + 1);
        byte[] badMagic = delta.clone();
        badMagic[0] = 'X';
        byte[] badCodec = delta.clone();
        badCodec[11] = 1;
        byte[] tinyDict = delta.clone();
        tinyDict[12] = tinyDict[13] = tinyDict[14] = tinyDict[15] = 0;
        for (byte[] bad : new byte[][] {truncated, padded, badMagic, badCodec, tinyDict,
                Arrays.copyOf(delta, 50), Arrays.copyOf(delta, DeltaHeader.BYTES + 6)}) {
            MemoryBlockDevice target = new MemoryBlockDevice(400_000);
            TrialbootException e = assertThrows(TrialbootException.class, () -> apply(bad,
                    MemoryBlockDevice.of(p[0], p[0].length), target, image(p[0]), image(p[1])));
            assertEquals(Code.MALFORMED_INPUT, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: .nxdelta"), e.getMessage());
        }
    }

    /**
     * The raw LZMA2 stream has no checksum of its own (the signed digest covers the file): a signed
     * delta whose compressed bytes decode to other operations is caught by the read-back.
     */
    @Test
    void aSignedDeltaThatDecodesToOtherBytesIsRefusedOnReadBack() throws IOException {
        byte[][] p = shiftedPair();
        byte[] corrupt = make(p[0], p[1], null);
        corrupt[DeltaHeader.BYTES + 40] ^= 0x55;
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(corrupt,
                MemoryBlockDevice.of(p[0], p[0].length), new MemoryBlockDevice(400_000), image(p[0]), image(p[1])));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code(), e.getMessage());
    }

    @Test
    void aVersionOneDeltaIsRefusedWithItsCode() throws IOException {
        byte[][] p = shiftedPair();
        byte[] old = make(p[0], p[1], null);
        old[9] = 1;
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(old,
                MemoryBlockDevice.of(p[0], p[0].length), new MemoryBlockDevice(400_000), image(p[0]), image(p[1])));
        assertEquals(Code.SCHEMA_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(".nxdelta format version 1; this updater reads version 3 only"),
                e.getMessage());
    }

    /** Version 2 (no bound on the base bytes the copies read) is refused with its code, before any write. */
    @Test
    void aVersionTwoDeltaIsRefusedWithItsCode() throws IOException {
        byte[][] p = shiftedPair();
        byte[] old = make(p[0], p[1], null);
        old[9] = 2;
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(old,
                MemoryBlockDevice.of(p[0], p[0].length), target, image(p[0]), image(p[1])));
        assertEquals(Code.SCHEMA_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(".nxdelta format version 2; this updater reads version 3 only"),
                e.getMessage());
        assertEquals(0, target.writes);
    }

    @Test
    void aDictionaryOverTheDecoderBoundIsOversize() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        ByteBuffer.wrap(delta).putInt(12, DeltaApplier.DECODER_LIMIT_KIB * 1024 + 1);
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta,
                MemoryBlockDevice.of(p[0], p[0].length), target, image(p[0]), image(p[1])));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code());
        assertEquals(0, target.writes);
    }

    /** A header that promises another target than its operations make: written, read back, refused. */
    @Test
    void operationsThatDoNotMakeTheNamedTargetAreRefusedOnReadBack() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] claimed = p[1].clone();
        claimed[3] ^= 1;
        System.arraycopy(Sha256.of(claimed).bytes(), 0, delta, 64, 32);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta,
                MemoryBlockDevice.of(p[0], p[0].length), new MemoryBlockDevice(400_000), image(p[0]), image(claimed)));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code());
    }

    @Test
    void targetLargerThanTheSlotIsRefused() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta,
                MemoryBlockDevice.of(p[0], p[0].length), new MemoryBlockDevice(1000), image(p[0]), image(p[1])));
        assertEquals(Code.APPLY_SIZE_MISMATCH, e.code());
    }

    @Test
    void commandLineMakesAndAppliesLikeTheGuest() throws IOException {
        byte[][] p = shiftedPair();
        Path src = dir.resolve("a.img");
        Path tgt = dir.resolve("b.img");
        Files.write(src, p[0]);
        Files.write(tgt, p[1]);
        String made = DeltaCli.run(new String[] {"make", src.toString(), tgt.toString(), dir.resolve("d").toString()});
        assertTrue(made.startsWith("delta_bytes=" + Files.size(dir.resolve("d")) + " copy_ops="), made);
        String applied = DeltaCli.run(new String[] {"apply", dir.resolve("d").toString(), src.toString(),
                dir.resolve("out.img").toString()});
        assertTrue(applied.startsWith("applied_bytes=" + p[1].length + " ms="), applied);
        assertArrayEquals(p[1], Files.readAllBytes(dir.resolve("out.img")));
        String full = DeltaCli.run(new String[] {"full", tgt.toString(), dir.resolve("full.img").toString()});
        assertTrue(full.startsWith("applied_bytes=" + p[1].length + " sha256=" + Sha256.of(p[1])), full);
        assertThrows(IllegalArgumentException.class, () -> DeltaCli.run(new String[] {"bogus", "x", "y", "z"}));
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
