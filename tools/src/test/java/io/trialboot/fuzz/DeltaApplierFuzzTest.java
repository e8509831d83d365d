package io.trialboot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.core.Sha256;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * {@link DeltaApplier#apply} over the fixed {@link SeedCorpus#deltaBase()} in memory: header,
 * LZMA2 stream and operations (COPY, ADD, LITERAL, ZERO in windows). The release signs the input
 * itself and the target its header names (a release that signs whatever the delta claims), so the
 * fuzzer gets past the file's digest check to the operation stream; the applier's own checks (inside
 * both images, ends at the target size, base and target digests) must reject everything else with a
 * code. What it accepts is checked independently: the bytes read back from the device hash to the target.
 */
class DeltaApplierFuzzTest {
    /** Targets larger than this are refused before anything is written (APPLY_SIZE_MISMATCH). */
    static final int TARGET_DEVICE_BYTES = 64 * 1024;
    private static final byte[] BASE = SeedCorpus.deltaBase();
    private static final SlotImage BASE_IMAGE = new SlotImage(Sha256.of(BASE), BASE.length);

    @FuzzTest
    void apply(byte[] input) throws Exception {
        SlotImage target = Oracle.outcome(() -> DeltaHeader.read(new ByteArrayInputStream(input)).target())
                .orElse(null);
        if (target == null) {
            return;
        }
        MemoryBlockDevice out = new MemoryBlockDevice(TARGET_DEVICE_BYTES);
        Oracle.outcome(() -> DeltaApplier.apply(new ByteArrayInputStream(input), new SlotImage(Sha256.of(input),
                input.length), MemoryBlockDevice.of(BASE, BASE.length), out, BASE_IMAGE, target, Optional.empty())).ifPresent(written -> {
                    ByteBuffer back = ByteBuffer.allocate((int) target.size());
                    out.read(0, back);
                    assertEquals(target.digest(), Sha256.of(back.array()), "the device does not hold the target");
                });
    }
}
