package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.Contract;
import io.trialboot.markers.Marker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state partition fills up during an apply (issue: a full disk): the apply fails with
 * {@code HOST_IO_ERROR} at its first state write, nothing is switched, slot a and its records are
 * untouched, {@code nx reboot} reboots saying that the reboot is not recorded, stage 0 that it could
 * not write boot control, bootctld that the boot is not recorded, slot a boots with its services, and
 * once space is freed the same update installs. The partition is filled from the guest's console with
 * {@code dd} (root, so ext4's reserved blocks go too) after the apply's precheck.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class FullStateIT {
    private static final String APPLY = "nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0")));
    private static final Path STATE = GuestPaths.guest().state();
    /** The files that fill the state partition: 64 KiB blocks, then 1 KiB ones into what is left. */
    private static final String BALLAST = STATE.resolve("ballast") + " " + STATE.resolve("ballast-tail");

    @Test
    void aStatePartitionThatFillsUpDuringAnApplyFailsItWithHostIoErrorAndTheDeviceStillBoots(QemuVm vm) {
        GuestConsole console = new GuestConsole(vm);
        console.run("nx selfcheck", Duration.ofSeconds(120)); // the apply's precheck, while there is room for its record
        int from = console.mark();
        vm.type("dd if=/dev/zero of=" + STATE.resolve("ballast") + " bs=65536 2>/dev/null; dd if=/dev/zero of="
                + STATE.resolve("ballast-tail") + " bs=1024 2>/dev/null; sync; echo state-filled-$(df -k " + STATE
                + " | tail -1 | tr -s ' ' | cut -d' ' -f4)k-free");
        int filled = console.waitFor(from, l -> l.text().startsWith("state-filled-"), Duration.ofSeconds(120), "the state partition filled");
        System.out.println("trialboot: FullStateIT: " + vm.lines().get(filled).text());
        console.promptAfter(filled, "the prompt after filling the state partition");

        int applyFrom = console.mark();
        vm.type(APPLY);
        // updated's audit line is the outcome of every RPC, whether the apply got to a marker or not.
        int end = console.waitFor(applyFrom, l -> l.text().startsWith("updated: StageSystem "), Duration.ofSeconds(600),
                "updated's answer to the apply");
        console.promptAfter(end, "the prompt after the refused apply");
        String outcome = vm.lines().get(end).text();
        assertTrue(outcome.endsWith("-> HOST_IO_ERROR"), "the apply met the full partition: " + outcome);
        assertTrue(vm.lines().subList(applyFrom, end).stream().noneMatch(l -> l.text().startsWith(Marker.UPDATE_AWAIT_CONFIRM.line())),
                "no switch on a full partition");

        StatusReply status = StatusReply.parse(console.run("nx status", Duration.ofSeconds(120)));
        assertTrue(status.slot() == Slot.A && status.version().equals(Version.parse("1.0.0"))
                && status.slotA() == SlotState.GOOD, "slot a untouched: " + status);
        List<String> check = console.run("nx selfcheck", Duration.ofSeconds(120));
        assertTrue(check.stream().noneMatch(l -> l.contains("BROKEN") || l.contains("MALFORMED")), "records intact: " + check);

        // Still full: nx reboot cannot record the reboot and reboots anyway, saying so (a power cycle, the
        // other way, would be just as unrecorded); stage 0 cannot count the boot either, and boots slot a, which
        // bootctld runs unrecorded.
        int rebootFrom = console.mark();
        vm.type("nx reboot");
        vm.await(Contract.parse("reboots-while-full", """
                forbid contains "Kernel panic"
                forbid contains "Exception in thread"
                boot 1
                expect 120s REBOOT_UNRECORDED nx * HOST_IO_ERROR
                boot 2
                expect 120s STAGE0_BOOT_CONTROL_UNWRITTEN
                expect 60s STAGE0_BOOT a normal * *
                expect 60s BOOTCTLD_BOOT_UNRECORDED * HOST_IO_ERROR
                expect 10s BOOTCTLD_READY
                expect 60s BUNDLEMGRD_SLOT_ACTIVE a
                expect 60s UPDATED_READY
                expect 60s GUEST_SHELL_READY
                """));
        console.settle(rebootFrom, Duration.ofSeconds(60));
        List<String> history = console.run("nx history", Duration.ofSeconds(120));
        assertTrue(history.stream().noneMatch(l -> l.contains("LOG_CHAIN_BROKEN")), "history chain intact: " + history);

        // Space freed: the same update installs.
        int freed = console.mark();
        vm.type("rm " + BALLAST + "; sync; echo state-freed");
        console.promptAfter(console.waitFor(freed, l -> l.text().equals("state-freed"), Duration.ofSeconds(60), "the ballast removed"),
                "the prompt after removing the ballast");
        console.run("nx selfcheck", Duration.ofSeconds(120));
        vm.type(APPLY);
        vm.await(Contract.parse("apply-after-freeing", """
                boot 2
                expect 120s UPDATE_MANIFEST_OK 1.1.0 *
                expect 600s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """));
        assertEquals(2, vm.currentBoot());
    }
}
