package io.trialboot.update;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.Version;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HistoryAppendBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code scripts/bench-history}'s boot timing: {@code boots} times what bootctld's start-up does to
 * the state tree ({@link UpdateEngine#onBoot}, durable writes through {@link StateWriter#DURABLE}) on
 * a device whose history is first filled to {@code bytes} with boot lines ({@link
 * HistoryAppendBench#bootLines}: a device never updated, whose last transition, none, is as far back
 * as the log is long). Boot control is counted before each boot as stage 0 counts it. Only API that
 * the engine before the bounded boot read has too, so the script runs it against either. Prints one
 * line: {@code <bytes> <lines> <median ms> <min ms> <max ms>}.
 */
public final class BootBench {
    private BootBench() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        int boots = Integer.parseInt(args[2]);
        HostStateTree created = HostStateTree.create(root, "bench");
        created.system().recordFactoryImage(SlotSnapshot.whole(Slot.A, Version.parse("1.0.0"), Sha256.of(new byte[1]),
                1, 0));
        created.system().recordAdmission(AdmissionOutcome.ACCEPTED, "rootkey", "policy", null);
        byte[] log = HistoryAppendBench.bootLines(bytes);
        long lines = HistoryAppendBench.lines(log);
        Files.write(created.system().historyLog(), log);
        created.system().update(d -> d.withCurrent(d.currentSnapshot(), lines));
        HostStateTree tree = HostStateTree.open(root, StateWriter.DURABLE);
        UpdateEngine engine = new UpdateEngine(tree, (slot, writable) -> {
            throw new IllegalStateException("a boot opens no slot");
        }, Clock.systemUTC(), "bench");
        Path bc = tree.system().bootControl();
        double[] ms = new double[boots];
        for (int i = 0; i < boots; i++) {
            BootControlFile f = BootControlFile.factory();
            Files.write(bc, new BootControlFile(f.active(), f.slotA(), f.slotB(), f.trial(), 0, lines + 1 + i,
                    Optional.of(Slot.A), f.fallback(), 0).encode()); // as stage 0 leaves it
            long t0 = System.nanoTime();
            engine.onBoot();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%d %d %.2f %.2f %.2f%n", log.length, lines, ms[boots / 2], ms[0], ms[boots - 1]);
    }
}
