package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.UpdateReceipt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the history says about boots stage 0 decided on its own: the {@code boot} line's mode
 * (normal, trial, fallback, recovery) and a {@code start-failed} line for each start that led to a
 * fall-back without recording its boot.
 */
class BootRecoveryTest {
    private final Rig rig;
    private final UpdateEngine engine;

    BootRecoveryTest(@TempDir Path dir) throws IOException {
        rig = new Rig(dir);
        engine = rig.engine();
        engine.onBoot();
        assertTrue(engine.selfcheck(true).ok()); // an install needs a passed selfcheck
    }

    /** The history from line {@code from} on, each line as "event k=v ..." without seq, prev and at. */
    private List<String> linesFrom(int from) {
        List<HistoryEntry> h = engine.history().read();
        return h.subList(from, h.size()).stream().map(e -> {
            StringBuilder s = new StringBuilder(e.event());
            e.fields().forEach((k, v) -> {
                if (!k.equals("at")) {
                    s.append(' ').append(k).append('=').append(v);
                }
            });
            return s.toString();
        }).toList();
    }

    private void switchToV2() {
        InstallPlan plan = Rig.full("1.1.0", rig.v2);
        UpdateReceipt allowed = engine.admit(plan, "manifest", new byte[] {1});
        assertEquals(UpdateReceipt.Decision.ALLOW, allowed.decision(), allowed.toString());
        engine.switchSlot(engine.apply(allowed, plan, new ByteArrayInputStream(rig.v2)));
    }

    /** v1.1.0 installed into b, tried and confirmed: b is the active, good slot. Returns the history's length then. */
    private int confirmV2OnB() {
        switchToV2();
        rig.reboot();
        engine.onBoot();
        engine.onHealth(new HealthVerdict(Code.HOST_OK, List.of("updated"), List.of(), List.of(), 10));
        assertEquals(Slot.B, rig.bootControl().active());
        return engine.history().read().size();
    }

    /** The lines of boot 4, which fell back from b after its three tries (boots 1-3) never came up. */
    private static List<String> fellBackAfterThreeTries(List<String> refused) {
        List<String> lines = new ArrayList<>();
        for (int boot = 1; boot <= 3; boot++) {
            lines.add("start-failed slot=b boot_count=" + boot + " mode=trial recorded=at boot 4");
        }
        lines.addAll(refused);
        lines.add("rollback slot=b to=a reason=crash-loop: trial ran out of tries boot_count=4");
        lines.add("boot slot=a boot_count=4 mode=fallback tries_left=0");
        return lines;
    }

    /** What stage 0's init leaves when it refuses {@code slot} with {@code code}. */
    private void refusalNote(Slot slot, Code code) throws IOException {
        Path note = rig.stateRoot.resolve(Stage0Refusal.PATH);
        Files.writeString(note, "slot=" + slot.letter() + " code=" + code + "\n", StandardCharsets.US_ASCII);
    }

    @Test
    void aBootOfTheActiveSlotIsNormalAndATryOfTheTrialSlotIsTrial() {
        assertEquals(List.of("boot slot=a boot_count=0 mode=normal tries_left=0"), linesFrom(0));
        switchToV2();
        rig.reboot();
        engine.onBoot();
        assertEquals(List.of("boot slot=b boot_count=1 mode=trial tries_left=2"), linesFrom(4));
    }

    @Test
    void aTrialOutOfTriesRecordsTheTriesThatNeverCameUpThenTheFallBack() {
        switchToV2();
        for (int i = 0; i < 3; i++) {
            rig.reboot(); // the trial slot dies before bootctld: no boot line
        }
        rig.reboot();
        engine.onBoot();
        assertEquals(fellBackAfterThreeTries(List.of()), linesFrom(4));
    }

    /** The switch a power cut kept from the history had the policy's tries, as the recovered switch says. */
    @Test
    void aTrialOutOfTriesWhoseSwitchTheHistoryLostCountsThePolicysTries() {
        InstallPlan plan = Rig.full("1.1.0", rig.v2);
        engine.apply(engine.admit(plan, "manifest", new byte[] {1}), plan, new ByteArrayInputStream(rig.v2));
        engine.bootControl().setActive(Slot.B, true, 3); // the switch commits; the power goes before its line
        for (int i = 0; i < 4; i++) {
            rig.reboot(); // three tries that die before bootctld, then the fall-back
        }
        engine.onBoot();
        assertEquals(fellBackAfterThreeTries(List.of()), linesFrom(3)); // boot, stage, apply: no switch line
    }

    @Test
    void aTryThatRecordedItsBootGetsNoStartFailedLine() {
        switchToV2();
        rig.reboot();
        engine.onBoot(); // boot 2 came up far enough to record itself, then died before the health verdict
        rig.reboot();
        rig.reboot();
        rig.reboot();
        engine.onBoot();
        assertEquals(List.of(
                "boot slot=b boot_count=1 mode=trial tries_left=2",
                "start-failed slot=b boot_count=2 mode=trial recorded=at boot 4",
                "start-failed slot=b boot_count=3 mode=trial recorded=at boot 4",
                "rollback slot=b to=a reason=crash-loop: trial ran out of tries boot_count=4",
                "boot slot=a boot_count=4 mode=fallback tries_left=0"), linesFrom(4));
    }

    @Test
    void aStartLoopStageZeroGaveUpIsARecoveryBootAfterItsFailedStarts() throws IOException {
        int confirmed = confirmV2OnB();
        for (int i = 0; i < BootControlFile.MAX_FAILED_STARTS; i++) {
            rig.reboot(); // b is read back corrupt at start (boots 2, 3, 4)
        }
        rig.reboot(); // boot 5: stage 0 gives b up and boots a
        assertEquals(SlotState.BAD, rig.bootControl().slotB());
        refusalNote(Slot.B, Code.SLOT_START_LOOP);
        engine.onBoot();
        assertEquals(List.of(
                "start-failed slot=b boot_count=2 mode=normal recorded=at boot 5",
                "start-failed slot=b boot_count=3 mode=normal recorded=at boot 5",
                "start-failed slot=b boot_count=4 mode=normal recorded=at boot 5",
                "slot-refused slot=b code=SLOT_START_LOOP",
                "boot slot=a boot_count=5 mode=recovery tries_left=0"), linesFrom(confirmed));
    }

    @Test
    void aSlotStageZeroRefusedToVerifyIsARecoveryBootOfTheOther() throws IOException {
        int confirmed = confirmV2OnB();
        rig.reboot();
        // as bootselect_refuse leaves it: b bad, a active and booted, its first start counted
        BootControlFile f = rig.bootControl();
        BootControlFile refused = new BootControlFile(Slot.A, SlotState.GOOD, SlotState.BAD, Optional.empty(), 0,
                f.bootCount(), Optional.of(Slot.A), Optional.empty(), 1);
        Files.write(rig.stateRoot.resolve(BootControlFile.PATH), refused.encode());
        refusalNote(Slot.B, Code.VERITY_MAP_FAILED);
        engine.onBoot();
        assertEquals(List.of("slot-refused slot=b code=VERITY_MAP_FAILED",
                "boot slot=a boot_count=2 mode=recovery tries_left=0"), linesFrom(confirmed));
    }

    @Test
    void aTrialStageZeroRefusedOnEveryTryFallsBackWithoutARecoveryBoot() throws IOException {
        switchToV2();
        for (int i = 0; i < 3; i++) {
            rig.reboot(); // stage 0 refuses b on each try and reboots
            refusalNote(Slot.B, Code.VERITY_MAP_FAILED);
        }
        rig.reboot();
        engine.onBoot();
        assertEquals(fellBackAfterThreeTries(List.of("slot-refused slot=b code=VERITY_MAP_FAILED")), linesFrom(4));
    }

    @Test
    void startsThatNeverCameUpWithoutAFallBackLeaveOnlyTheBootThatDid() {
        rig.reboot(); // two power cuts during boot: stage 0 counts both starts of a
        rig.reboot();
        rig.reboot();
        engine.onBoot();
        assertEquals(3, rig.bootControl().failedStarts());
        assertEquals(List.of("boot slot=a boot_count=3 mode=normal tries_left=0"), linesFrom(1));
    }
}
