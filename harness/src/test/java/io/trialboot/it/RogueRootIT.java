package io.trialboot.it;

import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.image.RogueRoot;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (b), the anchors in the fixed boot chain: from the guest's console, an attacker writes
 * a root of their own into {@code /state}'s {@code trusted-roots/} and an admission record signed
 * by it that admits their release key, then installs v1.1.0 re-signed by that key (the files are
 * the media's {@code updates/rogue-root/}, made by the image build). The install is refused
 * ({@code KEY_UNKNOWN}: the running trust came from the anchor). On the next boot stage 0 checks
 * the admission record against the initramfs' roots before it boots any slot: the record the planted
 * root signed is refused there ({@code ADMISSION_NOT_ROOT_SIGNED}), no slot can be verified without
 * it, and nothing boots (docs/verified-boot.md). The guest's own refusal of such a record
 * ({@code ROOT_NOT_ANCHORED}, its marker) is tested on the host (TrustTest, AnchoredTrustTest).
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class RogueRootIT {
    @Test
    void aRootWrittenIntoStateIsNeverTrusted(QemuVm vm) {
        GuestPaths guest = GuestPaths.guest();
        Path admission = guest.state().resolve(Trust.admissionDir(HostStateTree.SYSTEM_DOMAIN));
        GuestConsole console = new GuestConsole(vm);
        int from = console.mark();
        Path record = guest.updates().resolve(RogueRoot.ADMISSION);
        vm.type("cp " + guest.updates().resolve(RogueRoot.KEY) + " " + guest.state().resolve(Trust.ROOTS_DIR) + "/ && cp "
                + record + " " + admission.resolve(Trust.ADMISSION_FILE) + " && cp "
                + SignatureFile.beside(record) + " " + admission.resolve(Trust.ADMISSION_SIGNATURE_FILE)
                + " && sync && echo rogue-root-planted");
        console.waitFor(from, l -> l.text().equals("rogue-root-planted"), Duration.ofSeconds(60), "the rogue root planted");
        console.run("nx selfcheck", Duration.ofSeconds(120));
        vm.type("nx update apply " + MediaInputs.pkg(RogueRoot.MANIFEST));
        vm.await(Contract.parse("rogue-release-refused", """
                forbid UPDATE_MANIFEST_OK * *
                boot 1
                expect 300s UPDATE_REJECTED KEY_UNKNOWN *
                """));

        vm.type("nx reboot");
        vm.await(Contract.parse("rogue-root-next-boot", """
                forbid contains "Kernel panic"
                forbid STAGE0_BOOT * * * *
                forbid UPDATED_READY
                boot 2
                expect 120s STAGE0_SLOT_REFUSED a ADMISSION_NOT_ROOT_SIGNED
                expect 30s STAGE0_FATAL_CHAIN
                """));
    }
}
