package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import io.trialboot.records.HistoryEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The selftest's per-boot decision, from boot control and the history alone. */
class SelftestTest {
    private static List<HistoryEntry> history(String... events) {
        List<HistoryEntry> out = new ArrayList<>();
        for (String e : events) {
            out.add(new HistoryEntry(out.size() + 1, HistoryEntry.GENESIS, e, Map.of()));
        }
        return out;
    }

    private static BootControlFile booted(Slot active, Slot running, Optional<Slot> trial, SlotState a, SlotState b) {
        return new BootControlFile(active, a, b, trial, trial.isPresent() ? 2 : 0, 5, Optional.of(running), Optional.empty(), 0);
    }

    private static final BootControlFile FACTORY = booted(Slot.A, Slot.A, Optional.empty(), SlotState.GOOD, SlotState.EMPTY);
    private static final BootControlFile ON_B = booted(Slot.B, Slot.B, Optional.empty(), SlotState.GOOD, SlotState.GOOD);

    @Test
    void factoryBootInstallsTheFirstUpdate() {
        Selftest.Decision d = Selftest.decide(FACTORY, history("boot"));
        assertEquals(Selftest.Step.INSTALL_NEXT, d.step());
        assertTrue(d.why().startsWith("no update switched yet"), d.why());
    }

    @Test
    void afterTheFirstConfirmTheNextUpdateIsInstalled() {
        assertEquals(Selftest.Step.INSTALL_NEXT, Selftest.decide(ON_B,
                history("boot", "stage", "apply", "switch", "boot", "confirm")).step());
    }

    @Test
    void aRollbackAfterTheLastSwitchEndsTheCycle() {
        BootControlFile afterRollback = booted(Slot.B, Slot.B, Optional.empty(), SlotState.BAD, SlotState.GOOD);
        assertEquals(Selftest.Step.REPORT_ROLLBACK, Selftest.decide(afterRollback, history("boot", "stage", "apply",
                "switch", "boot", "confirm", "stage", "apply", "switch", "boot", "mark-bad", "rollback", "boot")).step());
    }

    @Test
    void aSecondConfirmIsAFailureTheCycleExpectsARollback() {
        Selftest.Decision d = Selftest.decide(ON_B, history("boot", "stage", "apply", "switch", "boot", "confirm",
                "stage", "apply", "switch", "boot", "confirm"));
        assertEquals(Selftest.Step.FAIL, d.step());
        assertTrue(d.why().startsWith("update 2 was confirmed"), d.why());
    }

    @Test
    void aSwitchNeitherConfirmedNorRolledBackIsAFailure() {
        Selftest.Decision d = Selftest.decide(FACTORY, history("boot", "stage", "apply", "switch", "boot"));
        assertEquals(Selftest.Step.FAIL, d.step());
        assertEquals("the update switched at #4 was neither confirmed nor rolled back", d.why());
    }

    @Test
    void aTrialStillPendingIsAFailureHealthdMustSettleItFirst() {
        BootControlFile trial = booted(Slot.A, Slot.B, Optional.of(Slot.B), SlotState.GOOD, SlotState.VERIFIED);
        assertEquals(Selftest.Step.FAIL, Selftest.decide(trial, history("boot", "stage", "apply", "switch", "boot")).step());
    }

    @Test
    void aConfirmCountsForThisBootOnlyAfterItsBootEntry() {
        assertTrue(Selftest.confirmedThisBoot(history("boot", "switch", "boot", "confirm")));
        assertFalse(Selftest.confirmedThisBoot(history("boot", "switch", "boot", "confirm", "boot")));
        assertFalse(Selftest.confirmedThisBoot(history()));
    }
}
