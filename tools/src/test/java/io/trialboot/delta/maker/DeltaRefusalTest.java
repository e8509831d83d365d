package io.trialboot.delta.maker;

import static io.trialboot.delta.maker.DeltaFixtures.apply;
import static io.trialboot.delta.maker.DeltaFixtures.image;
import static io.trialboot.delta.maker.DeltaFixtures.make;
import static io.trialboot.delta.maker.DeltaFixtures.random;
import static io.trialboot.delta.maker.DeltaFixtures.shiftedPair;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.maker.DeltaFixtures.ImagePair;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the applier refuses of a full-image (kind 1) delta, each with its code: another base, bytes
 * that are not the signed ones, a broken or older format, a target that is not the named one or
 * does not fit; before any write where the refusal can be known then.
 */
class DeltaRefusalTest {
    @TempDir
    Path dir;

    /** The target digest alone would pass: the base differs only where no copy reads. It is refused all the same. */
    @Test
    void wrongBaseIsRefusedBeforeTheTargetIsTrusted() throws IOException {
        byte[] src = random(new Random(5), 300_000);
        byte[] tgt = Arrays.copyOf(src, 150_000);
        byte[] delta = make(dir, src, tgt).bytes();
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
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta, source(p), target,
                new SlotImage(Sha256.of(new byte[1]), p.source().length), image(p.target())));
        assertEquals(Code.DELTA_BASE_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("DELTA_BASE_MISMATCH: delta applies to "), e.getMessage());
        assertEquals(0, target.writes);
    }

    /** #16: bytes that are not the signed ones reach no parser, whatever they hold. */
    @Test
    void unsignedDeltaBytesAreRefusedBeforeAnyParserSeesThem() throws IOException {
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        byte[] flipped = delta.clone();
        flipped[delta.length - 3] ^= 1;
        byte[] garbage = new byte[delta.length]; // not even the magic: a parser would say MALFORMED_INPUT
        for (byte[] bad : new byte[][] {flipped, garbage}) {
            MemoryBlockDevice target = new MemoryBlockDevice(400_000);
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), image(delta), source(p), target,
                    image(p.source()), image(p.target()), Optional.empty()));
            assertEquals(Code.ARTIFACT_DIGEST_MISMATCH, e.code(), e.getMessage());
            assertTrue(e.getMessage().endsWith("none of it was read"), e.getMessage());
            assertEquals(0, target.writes);
        }
        for (byte[] bad : new byte[][] {Arrays.copyOf(delta, delta.length - 1), Arrays.copyOf(delta, delta.length + 1)}) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                    new ByteArrayInputStream(bad), image(delta), source(p),
                    new MemoryBlockDevice(400_000), image(p.source()), image(p.target()), Optional.empty()));
            assertEquals(Code.APPLY_SIZE_MISMATCH, e.code(), e.getMessage());
        }
        SlotImage huge = new SlotImage(image(delta).digest(), Bounds.DELTA_BYTES + 1);
        TrialbootException e = assertThrows(TrialbootException.class, () -> DeltaApplier.apply(
                new ByteArrayInputStream(delta), huge, source(p),
                new MemoryBlockDevice(400_000), image(p.source()), image(p.target()), Optional.empty()));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code(), e.getMessage());
    }

    /** Signed but broken: the parser's own checks. */
    @Test
    void truncatedCorruptOrPaddedDeltasAreMalformed() throws IOException {
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        byte[] truncated = Arrays.copyOf(delta, delta.length - 10);
        byte[] padded = Arrays.copyOf(delta, delta.length + 1);
        byte[] badMagic = delta.clone();
        badMagic[0] = 'X';
        byte[] badCodec = delta.clone();
        badCodec[11] = 1;
        byte[] tinyDict = delta.clone();
        tinyDict[12] = tinyDict[13] = tinyDict[14] = tinyDict[15] = 0;
        byte[] corruptStream = Arrays.copyOf(delta, DeltaHeader.BYTES + 8);
        Arrays.fill(corruptStream, DeltaHeader.BYTES, corruptStream.length, (byte) 0x10); // no LZMA2 control byte
        for (byte[] bad : new byte[][] {truncated, padded, badMagic, badCodec, tinyDict,
                Arrays.copyOf(delta, 50), Arrays.copyOf(delta, DeltaHeader.BYTES + 6), corruptStream}) {
            MemoryBlockDevice target = new MemoryBlockDevice(400_000);
            TrialbootException e = assertThrows(TrialbootException.class, () -> apply(bad, source(p), target,
                    image(p.source()), image(p.target())));
            assertEquals(Code.MALFORMED_INPUT, e.code(), e.getMessage());
            assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: .nxdelta"), e.getMessage());
            assertFalse(e.getMessage().matches("(?s).*(Exception|org\\.|java\\.).*"), e.getMessage()); // words, no class name
        }
        TrialbootException corrupt = assertThrows(TrialbootException.class, () -> apply(corruptStream, source(p),
                new MemoryBlockDevice(400_000), image(p.source()), image(p.target())));
        assertEquals("MALFORMED_INPUT: .nxdelta operation stream is corrupt or truncated: the compressed data is corrupt",
                corrupt.getMessage());
    }

    /**
     * The raw LZMA2 stream has no checksum of its own (the signed digest covers the file): a signed
     * delta whose compressed bytes decode to other operations is caught by the read-back.
     */
    @Test
    void aSignedDeltaThatDecodesToOtherBytesIsRefusedOnReadBack() throws IOException {
        ImagePair p = shiftedPair();
        byte[] corrupt = make(dir, p);
        corrupt[DeltaHeader.BYTES + 40] ^= 0x55;
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(corrupt, source(p),
                new MemoryBlockDevice(400_000), image(p.source()), image(p.target())));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code(), e.getMessage());
    }

    /** Version 1, and version 2 (no bound on the base bytes the copies read): refused with their code, before any write. */
    @ParameterizedTest(name = "format version {0}")
    @ValueSource(ints = {1, 2})
    void anOlderFormatVersionIsRefusedWithItsCodeBeforeAnyWrite(int version) throws IOException {
        ImagePair p = shiftedPair();
        byte[] old = make(dir, p);
        old[9] = (byte) version;
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(old, source(p), target,
                image(p.source()), image(p.target())));
        assertEquals(Code.SCHEMA_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(".nxdelta format version " + version + "; this updater reads version 3 only"),
                e.getMessage());
        assertEquals(0, target.writes);
    }

    @Test
    void aDictionaryOverTheDecoderBoundIsOversize() throws IOException {
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        ByteBuffer.wrap(delta).putInt(12, DeltaApplier.DECODER_LIMIT_KIB * 1024 + 1);
        MemoryBlockDevice target = new MemoryBlockDevice(400_000);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta, source(p), target,
                image(p.source()), image(p.target())));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code());
        assertEquals(0, target.writes);
    }

    /** A header that promises another target than its operations make: written, read back, refused. */
    @Test
    void operationsThatDoNotMakeTheNamedTargetAreRefusedOnReadBack() throws IOException {
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        byte[] claimed = p.target().clone();
        claimed[3] ^= 1;
        System.arraycopy(Sha256.of(claimed).bytes(), 0, delta, 64, 32);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta, source(p),
                new MemoryBlockDevice(400_000), image(p.source()), image(claimed)));
        assertEquals(Code.APPLY_DIGEST_MISMATCH, e.code());
    }

    @Test
    void targetLargerThanTheSlotIsRefused() throws IOException {
        ImagePair p = shiftedPair();
        byte[] delta = make(dir, p);
        TrialbootException e = assertThrows(TrialbootException.class, () -> apply(delta, source(p),
                new MemoryBlockDevice(1000), image(p.source()), image(p.target())));
        assertEquals(Code.APPLY_SIZE_MISMATCH, e.code());
    }

    /** The pair's source as the active slot holds it. */
    private static MemoryBlockDevice source(ImagePair p) {
        return MemoryBlockDevice.of(p.source(), p.source().length);
    }
}
