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
import java.io.ByteArrayInputStream;
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
 * A data-only delta (kind 2) gets verity parameters whose tree ends at the target size when there are
 * such, with a root the fuzzer cannot know: its operations run and the tree is rebuilt, then the root
 * check refuses it.
 */
class DeltaApplierFuzzTest {
    /** Targets larger than this are refused before anything is written (APPLY_SIZE_MISMATCH). */
    static final int TARGET_DEVICE_BYTES = 64 * 1024;
    private static final byte[] BASE = SeedCorpus.deltaBase();
    private static final SlotImage BASE_IMAGE = new SlotImage(Sha256.of(BASE), BASE.length);

    @FuzzTest
    void apply(byte[] input) throws Exception {
        DeltaHeader header = Oracle.outcome(() -> DeltaHeader.read(new ByteArrayInputStream(input))).orElse(null);
        if (header == null) {
            return;
        }
        applyOver(input, header, BaseImage.hashed(MemoryBlockDevice.of(BASE, BASE.length)));
        applyOver(input, header, BaseImage.verified(MemoryBlockDevice.of(BASE, BASE.length), BASE_IMAGE));
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
