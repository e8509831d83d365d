package io.trialboot.it;

import io.trialboot.guest.GuestPaths;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.image.RogueRoot;
import io.trialboot.markers.Contract;
import io.trialboot.trust.SignatureFile;
import io.trialboot.update.SlotManifests;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (c): from the guest's root console, an attacker rewrites the active slot a with other
 * bytes (v1.1.0's image from the media) and puts a forged manifest for them on {@code /state} where
 * the install keeps a slot's signed manifest (v1.1.0 re-signed by a key the anchor never admitted:
 * the media's {@code updates/rogue-root/}). At the next boot stage 0 refuses slot a with the
 * manifest's code ({@code KEY_UNKNOWN}) and, with no other verified slot, boots nothing. The shell
 * reboots with busybox's {@code reboot -f}: the running slot's own files no longer read through its
 * dm-verity mapping once its device is rewritten. The device starts as the factory image at its
 * first prompt (a snapshot: the first boot is FirstBootIT's subject, not this test's).
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class ForgedSlotIT {
    @Test
    void aRewrittenSlotWithAForgedManifestDoesNotBoot(QemuVm vm) {
        GuestPaths guest = GuestPaths.guest();
        Path manifest = guest.updates().resolve(RogueRoot.MANIFEST);
        GuestConsole console = new GuestConsole(vm);
        int from = console.mark();
        Path kept = guest.state().resolve(String.format(SlotManifests.PATH, "a"));
        vm.type("dd if=" + guest.updates().resolve(RogueRoot.image()) + " of=" + guest.slotA()
                + " bs=1M conv=fsync 2>/dev/null && cp " + manifest + " " + kept + " && cp "
                + SignatureFile.beside(manifest) + " " + SignatureFile.beside(kept)
                + " && sync && echo slot-a-forged && reboot -f");
        console.waitFor(from, l -> l.text().equals("slot-a-forged"), Duration.ofSeconds(300), "slot a rewritten and its manifest forged");
        vm.await(Contract.parse("forged-slot-refused", """
                forbid contains "Kernel panic"
                forbid STAGE0_BOOT * * * *
                forbid UPDATED_READY
                boot 2
                expect 180s STAGE0_SLOT_REFUSED a KEY_UNKNOWN
                expect 30s STAGE0_FATAL_NO_OTHER_SLOT
                """));
    }
}
