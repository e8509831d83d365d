package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.SavedState;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.Marker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A state paused in the middle of an operation is read from its recorded lines only, and only when it paused in time. */
class PausedStateTest {
    private static final String APPLY = "nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0")));
    private static final List<String> STATUS = List.of("nx status", "", "updated: GetStatus -> HOST_OK", "slot=a",
            "version=1.0.0", "boot_count=1", "mode=normal", "tries_left=0", "slot_a=good", "slot_b=invalid", "active=a",
            "trial=none", "floor=1.0.0", "verity_a=" + "2f".repeat(32), "verity_b=none", "domain=FULL", "trialboot# ");
    private static final List<String> HISTORY = List.of("nx history", "", "updated: History -> HOST_OK",
            "history: #1 boot slot=a boot_count=1 mode=normal tries_left=0", "history: #2 selfcheck n=1 deep=true status=OK",
            "trialboot# ");

    private static SavedState saved(String... operation) {
        List<String> lines = new ArrayList<>(STATUS);
        lines.addAll(HISTORY);
        lines.add(APPLY);
        lines.addAll(List.of(operation));
        return new SavedState("powercut-v1.1.0-apply-ok", lines, true, Set.of("slot_b", "state"));
    }

    @Test
    void theStartingStatusHistoryAndTheOperationComeFromTheRecord() {
        PausedState p = PausedState.of(saved("", "update: manifest ok ver=1.1.0 signer=f3a318e704dedb83",
                "update: progress slot=b written=92528640 total=92528640", "update: apply ok slot=b kind=full"),
                APPLY, Marker.UPDATE_APPLY_OK, Marker.UPDATE_AWAIT_CONFIRM);
        assertEquals(Slot.A, p.status().slot());
        assertEquals("1.0.0", p.status().version().toString());
        assertEquals(List.of("history: #1 boot slot=a boot_count=1 mode=normal tries_left=0",
                "history: #2 selfcheck n=1 deep=true status=OK"), p.history());
        assertEquals("update: apply ok slot=b kind=full", p.operation().get(p.operation().size() - 1));
        assertEquals("", p.operation().get(0), "the lines after the operation's echo, not the echo");
        assertEquals(Set.of("slot_b", "state"), p.written());
    }

    @Test
    void aStatePausedTooLateOrNeverIsRefused() {
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> PausedState.of(saved(
                "update: apply ok slot=b kind=full", "update: await confirm"), APPLY, Marker.UPDATE_APPLY_OK,
                Marker.UPDATE_AWAIT_CONFIRM));
        assertTrue(late.getMessage().contains("paused too late"), late.getMessage());
        IllegalStateException never = assertThrows(IllegalStateException.class, () -> PausedState.of(saved(
                "update: progress slot=b written=8388608 total=92528640"), APPLY, Marker.UPDATE_APPLY_OK,
                Marker.UPDATE_AWAIT_CONFIRM));
        assertTrue(never.getMessage().contains("do not reach"), never.getMessage());
        IllegalStateException noStatus = assertThrows(IllegalStateException.class, () -> PausedState.of(
                new SavedState("x", List.of(APPLY, "update: apply ok slot=b kind=full"), true, Set.of()), APPLY,
                Marker.UPDATE_APPLY_OK, Marker.UPDATE_AWAIT_CONFIRM));
        assertTrue(noStatus.getMessage().contains("no 'nx status'"), noStatus.getMessage());
    }
}
