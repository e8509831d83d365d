package io.trialboot.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
        Sha256 d = DeltaApplier.apply(new ByteArrayInputStream(delta), source, target, image(p[0]), image(p[1]));
        assertEquals(Sha256.of(p[1]), d);
        assertArrayEquals(p[1], target.prefix(p[1].length));
        assertTrue(target.syncs >= 1);
    }

    @Test
    void unrelatedImagesBecomeLiterals() throws IOException {
        Random r = new Random(7);
        byte[] a = random(r, 10_000);
        byte[] b = random(r, 9_000);
        byte[] delta = make(a, b, null);
        MemoryBlockDevice target = new MemoryBlockDevice(9_000);
        DeltaApplier.apply(new ByteArrayInputStream(delta), MemoryBlockDevice.of(a, 10_000), target, image(a), image(b));
        assertArrayEquals(b, target.contents());
    }

    @Test
    void wrongBaseIsRefusedBeforeTheFirstWrite() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] other = p[0].clone();
        other[5] ^= 1;
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), MemoryBlockDevice.of(other, other.length), target, image(p[0]),
                image(p[1])));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        assertEquals(0, target.writes);
    }

    @Test
    void deltaForAnotherBaseThanTheReleaseNamesIsRefused() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), MemoryBlockDevice.of(p[0], p[0].length), target,
                new SlotImage(Sha256.of(new byte[1]), p[0].length), image(p[1])));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("DELTA_BASE_MISMATCH: delta applies to "), e.getMessage());
    }

    @Test
    void truncatedCorruptOrPaddedDeltasAreMalformed() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] truncated = Arrays.copyOf(delta, delta.length - 10);
        byte[] padded = Arrays.copyOf(delta, delta.length + 1);
        byte[] corrupt = delta.clone();
        corrupt[DeltaHeader.BYTES + 40] ^= 0x55;
        byte[] badMagic = delta.clone();
        badMagic[0] = 'X';
        for (byte[] bad : new byte[][] {truncated, padded, corrupt, badMagic, Arrays.copyOf(delta, 50)}) {
            MemoryBlockDevice target = new MemoryBlockDevice(400_000);
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), MemoryBlockDevice.of(p[0], p[0].length), target, image(p[0]),
                    image(p[1])));
            assertEquals(Code.MALFORMED_INPUT, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: .nxdelta"), e.getMessage());
        }
    }

    /** Fuzz finding: the xz decoder's EOF and CRC errors in the stream header escaped as IOExceptions. */
    @Test
    void operationStreamCutOrCorruptInsideItsXzHeaderIsMalformed() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        byte[] badHeaderCrc = delta.clone();
        badHeaderCrc[DeltaHeader.BYTES + 8] ^= 0x55; // the xz stream header's CRC32 is bytes 8..11
        for (byte[] bad : new byte[][] {Arrays.copyOf(delta, DeltaHeader.BYTES + 6), badHeaderCrc}) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), MemoryBlockDevice.of(p[0], p[0].length),
                    new MemoryBlockDevice(400_000), image(p[0]), image(p[1])));
            assertEquals(Code.MALFORMED_INPUT, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: .nxdelta operation stream is not xz"), e.getMessage());
        }
    }

    @Test
    void targetLargerThanTheSlotIsRefused() throws IOException {
        byte[][] p = shiftedPair();
        byte[] delta = make(p[0], p[1], null);
        TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), MemoryBlockDevice.of(p[0], p[0].length), new MemoryBlockDevice(1000),
                image(p[0]), image(p[1])));
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
}
