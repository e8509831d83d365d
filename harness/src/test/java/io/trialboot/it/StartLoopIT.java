package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.BootMode;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, read-time corruption (docs/verified-boot.md#read-time-corruption): v1.1.0 is installed
 * into slot b and confirmed; with the power off, one byte in the middle of the first data block of
 * b's {@code libjvm.so} is flipped in the VM's overlay from the host. Nothing stage 0 reads touches
 * that block (the chain, the top hash block, the squashfs' metadata at mount), so stage 0 verifies b,
 * maps it and switches to it; the {@code java} launcher's load of {@code libjvm.so} then reads the
 * block, dm-verity fails the read, the JVM never starts and {@code trialboot-init} reboots. Without a
 * bound that is a loop forever. With the failed-starts counter, b is started exactly
 * {@link BootControlFile#MAX_FAILED_STARTS} times; the next boot gives it up
 * ({@code SLOT_START_LOOP}), the other verified slot, a, boots in recovery and the history says why:
 * a {@code start-failed} line for each of b's starts, then b's refusal.
 *
 * <p>{@code libjvm.so}, not the updater's jar: the JVM serves the guest's classes from the class
 * archive, so whether it reads a given block of a jar is its choice, while every start of
 * {@code java} loads {@code libjvm.so}, whose first block holds its ELF header.
 *
 * <p>Where {@code libjvm.so} lies in the slot is the image's ({@link SlotFacts#libjvm()}).
 *
 * <p>The device starts with v1.1.0 confirmed on b: {@link VerityFlipIT#reachV110ConfirmedOnB}, a snapshot.
 */
@QemuTest(start = QemuTest.Start.FIRST_REACH) // VerityFlipIT.reachV110ConfirmedOnB powers it on
class StartLoopIT {
    /** dm-verity checks 4096-byte blocks of the slot. */
    private static final int VERITY_BLOCK = 4096;

    @Test
    void aSlotCorruptedPastStageZeroIsStartedThreeTimesThenGivenUp(QemuVm vm) throws Exception {
        String libjvm = SlotFacts.libjvm(); // before any boot: an image without it fails at once
        VerityFlipIT.reachV110ConfirmedOnB(vm);
        int next = vm.currentBoot() + 1;
        vm.powerCut();
        GuestDisk disk = new GuestDisk(vm.overlay());
        long slotB = disk.slotOffset('b');
        Path copy = vm.runDir().resolve("slot-b.squashfs");
        GuestDisk.Block block;
        try {
            block = disk.firstDataBlock(slotB, libjvm, copy);
        } finally {
            Files.deleteIfExists(copy);
        }
        // The middle of a verity block that lies wholly inside libjvm.so's first block: no other file's read fails.
        long verityBlock = (block.start() + VERITY_BLOCK - 1) / VERITY_BLOCK * VERITY_BLOCK;
        assertTrue(verityBlock + VERITY_BLOCK <= block.start() + block.size(),
                "libjvm.so's first block " + block + " holds no whole 4096-byte verity block");
        disk.flip(slotB + verityBlock + VERITY_BLOCK / 2);

        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx history");
        vm.restart();
        Map<String, String> captured = vm.await(Contract.parse("start-loop-bounded", """
                forbid contains "Kernel panic"
                boot %1$d
                expect 180s STAGE0_BOOT b normal * :starts
                expect 120s SLOT_INIT_FAILED *
                boot %2$d
                expect 180s STAGE0_BOOT b normal * =starts+1
                expect 120s SLOT_INIT_FAILED *
                boot %3$d
                expect 180s STAGE0_BOOT b normal * =starts+2
                expect 120s SLOT_INIT_FAILED *
                boot %4$d
                """.formatted(next, next + 1, next + 2, next + 3)
                + VerityFlipIT.slotBRefusedAndABootsInRecovery("SLOT_START_LOOP")));

        // Never more starts of b than the bound: every boot since the flip that started b.
        LinePattern startOfB = LinePattern.of(Marker.STAGE0_BOOT, "b", "*", "*", "*");
        long startsOfB = vm.lines().stream().filter(l -> l.boot() >= next)
                .filter(l -> startOfB.match(l.text(), Map.of()).isPresent()).count();
        assertEquals(BootControlFile.MAX_FAILED_STARTS, startsOfB);

        // The boot that gave b up wrote a start-failed line for each of b's starts, none of which recorded its boot.
        long starts = Long.parseLong(captured.get("starts"));
        long givenUp = starts + BootControlFile.MAX_FAILED_STARTS;
        List<String> expected = LongStream.range(starts, givenUp)
                .mapToObj(n -> "slot=b boot_count=" + n + " mode=" + BootMode.NORMAL.text() + " recorded=at boot " + givenUp)
                .toList();
        int last = vm.currentBoot();
        assertEquals(expected, HistoryLines.of(vm, last, HistoryEvent.START_FAILED), "the start-failed lines of the history");
        List<String> boots = HistoryLines.of(vm, last, HistoryEvent.BOOT);
        assertTrue(LongStream.range(starts, givenUp).noneMatch(n -> boots.stream().anyMatch(f -> f.startsWith("slot=b boot_count=" + n + " "))),
                "no start of b since the flip recorded its boot: " + boots);
    }
}
