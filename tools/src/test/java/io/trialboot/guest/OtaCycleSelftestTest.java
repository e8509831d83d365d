package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import io.trialboot.update.SlotManifests;
import io.trialboot.verified.VerifiedRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole ota-cycle selftest on the host: four boots of the guest services against file-backed
 * slots, stage 0 modelled, and the console they print checked against the real
 * {@code ota-cycle} contract with the same matcher the harness and the CI gate use.
 */
@ExtendWith(GuestRigExtension.class)
class OtaCycleSelftestTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
        rig.cmdline = KernelCmdline.parse("console=ttyS0 no5lvl trialboot.selftest=ota");
    }

    @Test
    void selftestRunsTheCycleAcrossFourBootsAndSatisfiesTheOtaCycleContract() throws Exception {
        for (int boot = 1; boot <= 4; boot++) {
            assertEquals(0, rig.boot(), "boot " + boot + ":\n" + String.join("\n", rig.lines()));
            assertEquals(Math.min(boot, 3), rig.reboots.get(), "boots 1-3 end in a reboot, boot 4 does not");
        }
        ContractMatcher m = new ContractMatcher(Contract.builtIn("ota-cycle"), 1.0);
        for (ConsoleLine l : rig.log) {
            m.offer(l);
        }
        m.endOfInput();
        assertTrue(m.passed(), () -> m.failure().map(f -> f.report(rig.log)).orElse("not done")
                + "\n" + String.join("\n", rig.lines()));

        BootControlFile bc = rig.bootControl();
        assertEquals(Slot.B, bc.active());
        assertEquals(SlotState.GOOD, bc.slotB());
        assertEquals(SlotState.BAD, bc.slotA());
        assertEquals(Optional.empty(), bc.trial());
        List<String> events = rig.engine().history().read().stream().map(HistoryEntry::event).toList();
        assertEquals(List.of("boot", "selfcheck", "feed", "stage", "apply", "switch", "reboot",
                "boot", "confirm", "selfcheck", "feed", "stage", "apply", "switch", "reboot",
                "boot", "mark-bad", "rollback", "reboot",
                "boot"), events);
        assertEquals("1.1.0", rig.engine().floor().toString());
        // Each install kept the slot's signed manifest on /state for stage 0, verifying as delivered.
        Trust trust = Trust.load(rig.paths.anchor(), rig.paths.state(), HostStateTree.SYSTEM_DOMAIN, Optional.empty());
        assertEquals("1.1.0", kept(Slot.B, trust));
        assertEquals("1.2.0", kept(Slot.A, trust));
    }

    private String kept(Slot slot, Trust trust) throws Exception {
        Path manifest = SlotManifests.manifest(rig.paths.state(), slot);
        byte[] sig = Files.readAllBytes(SignatureFile.beside(manifest));
        return VerifiedRelease.verify(Files.readAllBytes(manifest), sig, trust).manifest().version().toString();
    }

    @Test
    void aFifthBootReportsTheSameEndStateAndInstallsNothing() throws Exception {
        for (int boot = 1; boot <= 5; boot++) {
            rig.boot();
        }
        List<String> fifth = rig.lines().subList(rig.lines().lastIndexOf("OpenSBI v1.1"), rig.lines().size());
        assertTrue(fifth.contains(Marker.SELFTEST_OTA_ROLLBACK_OK.line()), fifth.toString());
        assertTrue(fifth.stream().noneMatch(l -> l.startsWith("update: ")), fifth.toString());
        assertEquals(3, rig.reboots.get());
    }

    @Test
    void withoutTheCommandLineOptionNothingIsInstalled() throws Exception {
        rig.cmdline = KernelCmdline.parse("console=ttyS0 no5lvl");
        rig.boot();
        assertEquals(0, rig.reboots.get());
        assertTrue(rig.lines().stream().noneMatch(l -> l.startsWith("SELFTEST") || l.startsWith("update: ")),
                rig.lines().toString());
        assertEquals(List.of("boot"), rig.engine().history().read().stream().map(HistoryEntry::event).toList());
    }
}
