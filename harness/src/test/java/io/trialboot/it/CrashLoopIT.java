package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Version;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.BootMode;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * v1.3.0's bundle kills the JVM before healthd can run: every trial boot of slot b dies, stage 0
 * counts the tries down and, when they are spent, boots slot a again; bootctld records the
 * fallback and the history says why: each try has its {@code boot} line (the bundle dies after bootctld
 * recorded the boot) or a {@code start-failed} line, then the rollback.
 */
@QemuTest
class CrashLoopIT {
    /** The tries a switch gives a trial (the history's switch line: {@code tries=3}). */
    private static final int TRIES = 3;

    @Test
    void aSlotThatCrashesBeforeHealthdIsRolledBackByStageZero(QemuVm vm) {
        // SPEC §4 step 0: installs need an OK host status first.
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx selfcheck");
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.3.0"))));
        Map<String, String> installed = vm.await(Contract.parse("install-1.3.0", """
                forbid contains "Kernel panic"
                forbid contains "Exception in thread"
                boot 1
                expect 120s STAGE0_BOOT a normal * :boots
                expect 120s GUEST_SHELL_READY
                expect 120s UPDATE_MANIFEST_OK 1.3.0 *
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """));
        vm.type("nx reboot");
        // At the fall-back boot's shell (the trials die before theirs): typed as bootctld reported the
        // fall-back, its echo could split the lines the guest printed next.
        vm.typeAfter(Marker.GUEST_SHELL_READY, "nx history");
        vm.await(Contract.parse("crash-loop", """
                forbid contains "Kernel panic"
                forbid HEALTH_TRIAL_OK
                boot 2
                expect 120s STAGE0_BOOT b trial 2 *
                boot 3
                expect 180s STAGE0_BOOT b trial 1 *
                boot 4
                expect 180s STAGE0_BOOT b trial 0 *
                boot 5
                expect 180s STAGE0_BOOT a fallback 0 *
                expect 120s BOOTCTLD_FALLBACK b
                expect 120s BUNDLEMGRD_SLOT_ACTIVE a
                expect 60s HISTORY_ENTRY * rollback *
                """));

        // Before the fall-back every try of b has its boot line or, when it died before recording it, a start-failed line.
        long first = Long.parseLong(installed.get("boots"));
        long fallback = first + TRIES + 1;
        int last = vm.currentBoot();
        List<String> boots = HistoryLines.of(vm, last, HistoryEvent.BOOT);
        List<String> failed = HistoryLines.of(vm, last, HistoryEvent.START_FAILED);
        for (long n = first + 1; n < fallback; n++) {
            boolean booted = boots.contains("slot=b boot_count=" + n + " mode=" + BootMode.TRIAL.text() + " tries_left=" + (fallback - 1 - n));
            boolean startFailed = failed.contains("slot=b boot_count=" + n + " mode=" + BootMode.TRIAL.text() + " recorded=at boot " + fallback);
            assertTrue(booted != startFailed, "try at boot_count " + n + ": one boot line or one start-failed line; boot lines "
                    + boots + ", start-failed lines " + failed);
        }
        assertEquals(TRIES - boots.stream().filter(f -> f.startsWith("slot=b ")).count(), failed.size(),
                "a start-failed line only for a try without its boot line: " + failed);
    }
}
