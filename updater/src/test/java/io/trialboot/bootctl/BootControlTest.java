package io.trialboot.bootctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootControlTest {
    @TempDir
    Path dir;
    BootControl bc;

    @BeforeEach
    void factory() throws IOException {
        Path file = dir.resolve("boot-control");
        Files.write(file, BootControlFile.factory().encode());
        bc = new BootControl(file, StateWriter.DURABLE);
    }

    private static void assertCode(Code code, String messageStart, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void installTrialConfirmMakesTheNewSlotActiveAndGood() {
        bc.markInvalid(Slot.B);
        assertEquals(SlotState.VERIFIED, bc.markVerified(Slot.B).slotB());
        BootControlFile t = bc.setActive(Slot.B, true, 3);
        assertEquals(Optional.of(Slot.B), t.trial());
        assertEquals(3, t.triesLeft());
        bootAs(Slot.B);
        BootControlFile c = bc.confirm();
        assertEquals(Slot.B, c.active());
        assertEquals(SlotState.GOOD, c.slotB());
        assertEquals(Optional.empty(), c.trial());
    }

    private void bootAs(Slot s) {
        BootControlFile f = bc.read();
        StateWriter.DURABLE.write(bc.file(), f.withBoot(f.bootCount() + 1, s).encode());
    }

    @Test
    void refusesToInvalidateTheActiveSlot() {
        assertCode(Code.BOOTCTL_INVALID_TRANSITION, "cannot invalidate slot a: it is active", () -> bc.markInvalid(Slot.A));
    }

    @Test
    void refusesTrialOfUnverifiedSlot() {
        bc.markInvalid(Slot.B);
        assertCode(Code.SLOT_NOT_BOOTABLE, "slot b is invalid", () -> bc.setActive(Slot.B, true, 3));
    }

    @Test
    void confirmWithoutTrialIsInvalidAndAfterFallbackTheLeaseExpired() {
        assertCode(Code.BOOTCTL_INVALID_TRANSITION, "no trial is pending", bc::confirm);
        BootControlFile f = bc.read();
        StateWriter.DURABLE.write(bc.file(), new BootControlFile(f.active(), f.slotA(), SlotState.VERIFIED,
                Optional.empty(), 0, 4, Optional.of(Slot.A), Optional.of(Slot.B), 0).encode());
        assertCode(Code.HOST_LEASE_EXPIRED, "the trial of slot b ran out of tries", bc::confirm);
    }

    @Test
    void confirmRefusedBeforeTheTrialSlotBooted() {
        bc.markInvalid(Slot.B);
        bc.markVerified(Slot.B);
        bc.setActive(Slot.B, true, 3);
        assertCode(Code.BOOTCTL_INVALID_TRANSITION, "the trial slot b is not the one running (a)", bc::confirm);
    }

    @Test
    void rollbackDuringTrialMarksTrialBadAndKeepsActive() {
        bc.markInvalid(Slot.B);
        bc.markVerified(Slot.B);
        bc.setActive(Slot.B, true, 3);
        assertEquals(Slot.A, bc.rollback());
        BootControlFile f = bc.read();
        assertEquals(SlotState.BAD, f.slotB());
        assertEquals(Optional.empty(), f.trial());
    }

    @Test
    void rollbackWithoutTrialReturnsToTheOtherGoodSlot() {
        assertCode(Code.SLOT_NOT_BOOTABLE, "nothing to roll back to: slot b is empty", bc::rollback);
        StateWriter.DURABLE.write(bc.file(), BootControlFile.factory().withState(Slot.B, SlotState.GOOD).encode());
        assertEquals(Slot.B, bc.rollback());
        assertEquals(Slot.B, bc.read().active());
    }

    @Test
    void markBadRefusesTheActiveSlot() {
        assertCode(Code.BOOTCTL_INVALID_TRANSITION, "cannot mark the active slot a bad", () -> bc.markBad(Slot.A));
    }

    @Test
    void recordBootWithoutFallbackChangesNothing() throws IOException {
        byte[] before = Files.readAllBytes(bc.file());
        assertEquals(new BootRecord(Slot.A, 0, false, 0, Optional.empty(), bc.read()), bc.recordBoot());
        assertEquals(new String(before), Files.readString(bc.file()));
    }

    /** Fuzz finding: a blank line after the last key was accepted (String.split drops trailing empties). */
    @Test
    void rejectsABlankLineAfterTheLastKey() {
        byte[] file = BootControlFile.factory().encode();
        byte[] blankTail = java.util.Arrays.copyOf(file, file.length + 1);
        blankTail[file.length] = '\n';
        assertCode(Code.MALFORMED_INPUT, "boot-control file line is not key=value: ''",
                () -> BootControlFile.decode(blankTail));
    }

    @Test
    void cameUpClearsTheFailedStartsDurablyAndWritesNothingWhenThereAreNone() throws IOException {
        StateWriter.DURABLE.write(bc.file(), bc.read().withBoot(3, Slot.A).withFailedStarts(2).encode());
        assertEquals(0, bc.cameUp().failedStarts());
        assertEquals(0, bc.read().failedStarts());
        byte[] before = Files.readAllBytes(bc.file());
        assertEquals(bc.read(), bc.cameUp());
        assertArrayEquals(before, Files.readAllBytes(bc.file()));
    }

    @Test
    void aNewActiveSlotStartsWithNoFailedStartsAndATrialKeepsTheActiveSlotsCount() {
        bc.markInvalid(Slot.B);
        bc.markVerified(Slot.B);
        StateWriter.DURABLE.write(bc.file(), bc.read().withBoot(1, Slot.A).withFailedStarts(2).encode());
        assertEquals(2, bc.setActive(Slot.B, true, 3).failedStarts(), "the trial is not a start of the active slot");
        bootAs(Slot.B);
        assertEquals(0, bc.confirm().failedStarts());
        StateWriter.DURABLE.write(bc.file(), bc.read().withFailedStarts(1).encode());
        assertEquals(Slot.A, bc.rollback());
        assertEquals(0, bc.read().failedStarts());
    }

    @Test
    void aFailedStartsCountOverTheBoundOrMissingIsMalformed() {
        String factory = new String(BootControlFile.factory().encode(), StandardCharsets.US_ASCII);
        assertCode(Code.MALFORMED_INPUT, "boot-control file failed_starts is over " + BootControlFile.MAX_FAILED_STARTS,
                () -> BootControlFile.decode(factory.replace("failed_starts=0", "failed_starts=4")
                        .getBytes(StandardCharsets.US_ASCII)));
        assertCode(Code.MALFORMED_INPUT, "boot-control file keys must be exactly",
                () -> BootControlFile.decode(factory.replace("failed_starts=0\n", "")
                        .getBytes(StandardCharsets.US_ASCII)));
    }
}
