package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.apply.Progress;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state partition fills up in the middle of an apply (issue #6 part 5): from the Nth state
 * write of the apply on, every write fails as {@code DurableFiles} fails on ENOSPC — a partial temp
 * file left behind, {@code HOST_IO_ERROR} — for every N the apply has. The apply reports
 * {@code HOST_IO_ERROR}; boot control, history and receipts stay readable and consistent; the
 * device boots its active slot; once space is freed the same update succeeds.
 */
class FullDiskTest {
    @TempDir
    Path base;

    /**
     * A state partition that fills up at its Nth write from now (a replace, a history append or its
     * intent): that write and every later one fail, leaving what space there was (half a temp file,
     * half a line, half an intent).
     */
    static final class FillingWriter implements StateWriter {
        private final int fullAt;
        int count;

        FillingWriter(int fullAt) {
            this.fullAt = fullAt;
        }

        boolean full() {
            return count >= fullAt;
        }

        @Override
        public void write(Path file, byte[] content) {
            if (++count >= fullAt) {
                Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
                try {
                    Files.write(tmp, java.util.Arrays.copyOf(content, content.length / 2)); // as far as space went
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                throw noSpace(file);
            }
            FastStateWriter.INSTANCE.write(file, content);
        }

        @Override
        public void append(Path file, long at, byte[] bytes) {
            if (++count >= fullAt) {
                FastStateWriter.INSTANCE.append(file, at, java.util.Arrays.copyOf(bytes, bytes.length / 2));
                throw noSpace(file);
            }
            FastStateWriter.INSTANCE.append(file, at, bytes);
        }

        @Override
        public void overwrite(Path file, byte[] content) {
            if (++count >= fullAt) {
                FastStateWriter.INSTANCE.overwrite(file, java.util.Arrays.copyOf(content, content.length / 2));
                throw noSpace(file);
            }
            FastStateWriter.INSTANCE.overwrite(file, content);
        }

        @Override
        public void truncate(Path file, long length, boolean durable) {
            FastStateWriter.INSTANCE.truncate(file, length, durable); // cutting a file needs no space
        }

        @Override
        public void delete(Path file) {
            FastStateWriter.INSTANCE.delete(file); // removing a file needs no space
        }

        private static TrialbootException noSpace(Path file) {
            return new TrialbootException(Code.HOST_IO_ERROR, "durable write of " + file
                    + " failed: No space left on device");
        }
    }

    private int run(boolean delta) throws IOException {
        Rig template = new Rig(base.resolve(delta ? "template-delta" : "template-full"));
        template.engine().onBoot();
        assertTrue(template.engine().selfcheck(false).ok());
        for (int n = 1; ; n++) {
            Rig rig = template.copy(base.resolve((delta ? "delta" : "full") + n));
            byte[][] d = new byte[1][];
            InstallPlan r = delta ? rig.delta("1.1.0", rig.factory, rig.v3, d) : Rig.full("1.1.0", rig.v2);
            byte[] artifact = delta ? d[0] : rig.v2;
            byte[] image = delta ? rig.v3 : rig.v2;
            List<Progress> progress = new ArrayList<>();
            UpdateReceipt allowed = rig.engine().admit(r, "manifest", new byte[] {1});
            List<HistoryEntry> before = rig.engine().history().read();
            FillingWriter disk = new FillingWriter(n);
            rig.writer = disk;
            UpdateEngine filling = rig.engine();
            try {
                filling.apply(allowed, r, new ByteArrayInputStream(artifact), progress::add);
                assertTrue(!disk.full(), "apply succeeded on a full disk at write " + n);
                return n - 1; // the apply needs fewer than n state writes: every point was tried
            } catch (TrialbootException e) {
                assertEquals(Code.HOST_IO_ERROR, e.code(), "state full at write " + n + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            }
            rig.writer = FastStateWriter.INSTANCE;
            // Nothing is corrupted: boot control decodes, the active slot is untouched and good, the
            // history chain and the receipts read.
            BootControlFile bc = rig.bootControl();
            assertEquals(Slot.A, bc.active(), "full at write " + n);
            assertEquals(SlotState.GOOD, bc.slotA(), "full at write " + n);
            assertArrayEquals(rig.factory, rig.devices.get(Slot.A).prefix(rig.factory.length));
            UpdateEngine engine = rig.engine();
            List<HistoryEntry> history = engine.history().read(); // LOG_TORN / LOG_CHAIN_BROKEN if not intact
            assertEquals(before, history.subList(0, before.size()), "full at write " + n + ": entries lost");
            String last = history.get(history.size() - 1).event();
            assertTrue(last.equals("stage") || last.equals("apply"), "full at write " + n + ": " + last);
            engine.receipts().list();
            // The device still boots: stage 0 picks slot a, bootctld records the boot.
            rig.reboot();
            engine = rig.engine();
            engine.onBoot();
            assertEquals(Slot.A, rig.bootControl().booted().orElseThrow(), "full at write " + n);
            HostStatus s = engine.selfcheck(true);
            assertTrue(s.ok(), "full at write " + n + ": " + s.failures());
            // Space freed: the same update goes through, trial boot, confirm.
            PowerCutTest.update(rig, r, artifact);
            assertEquals(Slot.B, rig.bootControl().active(), "full at write " + n);
            assertEquals(SlotState.GOOD, rig.bootControl().slotB());
            assertArrayEquals(image, rig.devices.get(Slot.B).prefix(image.length), "full at write " + n);
        }
    }

    @Test
    void aStatePartitionFillingUpDuringAFullApplyGivesHostIoErrorAndCorruptsNothing() throws IOException {
        assertTrue(run(false) >= 5, "an apply makes at least five state writes");
    }

    @Test
    void aStatePartitionFillingUpDuringADeltaApplyGivesHostIoErrorAndCorruptsNothing() throws IOException {
        assertTrue(run(true) >= 5, "an apply makes at least five state writes");
    }

    @Test
    void aDeltaApplyReportsProgressUpToTheWholeImage() throws IOException {
        Rig rig = new Rig(base.resolve("progress"));
        UpdateEngine engine = rig.engine();
        engine.onBoot();
        engine.selfcheck(false);
        byte[][] d = new byte[1][];
        InstallPlan r = rig.delta("1.1.0", rig.factory, rig.v3, d);
        List<Progress> seen = new ArrayList<>();
        engine.apply(engine.admit(r, "manifest", new byte[] {1}), r, new ByteArrayInputStream(d[0]), seen::add);
        assertEquals(new Progress(Slot.B, rig.v3.length, rig.v3.length), seen.get(seen.size() - 1));
        assertEquals(1, seen.size(), "one line: the image is under one step of 8 MiB");
    }
}
