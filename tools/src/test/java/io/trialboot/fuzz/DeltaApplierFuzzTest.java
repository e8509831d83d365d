package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.core.Sha256;
import io.trialboot.delta.BaseImage;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@link DeltaApplier#apply} over the fixed {@link SeedCorpus#deltaBase()} in memory, once hashed and
 * once as a verified base (as if read through its dm-verity mapping, its signed image the base): header,
 * LZMA2 stream and operations (COPY, ADD, LITERAL, ZERO in windows). The release signs the input
 * itself and the target its header names (a release that signs whatever the delta claims), so the
 * fuzzer gets past the file's digest check to the operation stream; the applier's own checks (inside
 * both images, ends at the target size, the base digest, the target digest or, kind 2, the verity
 * root) must reject everything else with a code. What it accepts is checked independently: the
 * bytes read back from the device hash to the target.
 * The verified base is applied over twice more: with its signed tree on a raw device beside the
 * mapping (a data-only delta then takes the leaf digests of blocks it copies whole and aligned from
 * it), and with that tree's leaf level corrupt (refused before the first write, or never read).
 * A data-only delta (kind 2) gets verity parameters whose tree ends at the target size when there are
 * such, with a root the fuzzer cannot know: its operations run and the tree is rebuilt, then the root
 * check refuses it.
 */
class DeltaApplierFuzzTest {
    /** Targets larger than this are refused before anything is written (APPLY_SIZE_MISMATCH). */
    static final int TARGET_DEVICE_BYTES = 64 * 1024;
    private static final byte[] BASE = SeedCorpus.deltaBase();
    private static final SlotImage BASE_IMAGE = new SlotImage(Sha256.of(BASE), BASE.length);
    private static final byte[] BASE_WITH_TREE = withTree(BASE);
    private static final VerityParams BASE_TREE = treeOf(BASE);

    @FuzzTest
    void apply(byte[] input) throws Exception {
        DeltaHeader header = Oracle.outcome(() -> DeltaHeader.read(new ByteArrayInputStream(input))).orElse(null);
        if (header == null) {
            return;
        }
        applyOver(input, header, BaseImage.hashed(MemoryBlockDevice.of(BASE, BASE.length)));
        applyOver(input, header, BaseImage.verified(MemoryBlockDevice.of(BASE, BASE.length), BASE_IMAGE));
        applyOver(input, header, BaseImage.verified(MemoryBlockDevice.of(BASE, BASE.length), BASE_IMAGE,
                new BaseImage.Tree(MemoryBlockDevice.of(BASE_WITH_TREE, BASE_WITH_TREE.length), BASE_TREE)));
        byte[] corrupt = BASE_WITH_TREE.clone();
        corrupt[corrupt.length - 1] ^= 1;
        applyOver(input, header, BaseImage.verified(MemoryBlockDevice.of(BASE, BASE.length), BASE_IMAGE,
                new BaseImage.Tree(MemoryBlockDevice.of(corrupt, corrupt.length), BASE_TREE)));
    }

    /** The base's data followed by its dm-verity tree (the product's salt), as the raw active slot holds them. */
    private static byte[] withTree(byte[] data) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(data);
            VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, VerityImage.SALT, b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void applyOver(byte[] input, DeltaHeader header, BaseImage base) throws Exception {
        SlotImage target = header.target();
        MemoryBlockDevice out = new MemoryBlockDevice(TARGET_DEVICE_BYTES);
        Oracle.outcome(() -> DeltaApplier.apply(new ByteArrayInputStream(input), new SlotImage(Sha256.of(input),
                input.length), base, out, BASE_IMAGE, target, signedTree(header))).ifPresent(written -> {
                    ByteBuffer back = ByteBuffer.allocate((int) target.size());
                    out.read(0, back);
                    assertEquals(target.digest(), Sha256.of(back.array()), "the device does not hold the target");
                });
    }

    private static VerityParams treeOf(byte[] data) {
        try {
            return VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, VerityImage.SALT,
                    new ByteArrayOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For a kind 2 header, verity parameters whose tree ends at the target size, if any data size gives that. */
    private static Optional<VerityParams> signedTree(DeltaHeader h) {
        if (!h.dataOnly()) {
            return Optional.empty();
        }
        long blocks = h.target().size() / VerityParams.BLOCK_SIZE;
        for (long d = blocks; d > 0 && d > blocks - 4; d--) {
            VerityParams v = VerityParams.of(d * VerityParams.BLOCK_SIZE, VerityImage.SALT, Sha256.of(new byte[0]));
            if (v.treeOffset() + v.treeSize() == h.target().size()) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
