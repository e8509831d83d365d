package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import io.trialboot.trust.Trust;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 (b), the anchors in the fixed boot chain: from the guest's console, an attacker writes
 * a root of their own into {@code /state}'s {@code trusted-roots/} and an admission record signed
 * by it that admits their release key, then installs v1.1.0 re-signed by that key (the files are
 * the media's {@code updates/rogue-root/}, made by the image build). The install is refused
 * ({@code KEY_UNKNOWN}: the running trust came from the anchor); on the next boot the planted root
 * is refused ({@code ROOT_NOT_ANCHORED}) and so is the record it signed: the services do not start
 * on trust the anchor never gave, and the console says why.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class RogueRootIT {
    private static final String ROGUE = "/media/updates/rogue-root/";

    @Test
    void aRootWrittenIntoStateIsNeverTrusted(QemuVm vm) {
        GuestConsole console = new GuestConsole(vm);
        int from = console.mark();
        String admission = "/state/asl-host/domains/system/admission/";
        vm.type("cp " + ROGUE + "rogue.pub /state/asl-host/host/trusted-roots/ && cp " + ROGUE + "dam.cbor " + admission
                + Trust.ADMISSION_FILE + " && cp " + ROGUE + "dam.cbor.sig " + admission + Trust.ADMISSION_SIGNATURE_FILE
                + " && sync && echo rogue-root-planted");
        console.waitFor(from, l -> l.text().equals("rogue-root-planted"), Duration.ofSeconds(60), "the rogue root planted");
        console.run("nx selfcheck", Duration.ofSeconds(120));
        vm.type("nx update apply pkg://updates/rogue-root/manifest.nxm");
        vm.await(Contract.parse("rogue-release-refused", """
                forbid UPDATE_MANIFEST_OK * *
                boot 1
                expect 300s UPDATE_REJECTED KEY_UNKNOWN *
                """));

        int reboot = console.mark();
        vm.type("nx reboot");
        vm.await(Contract.parse("rogue-root-next-boot", """
                forbid contains "Kernel panic"
                forbid contains "Exception in thread"
                forbid BUNDLEMGRD_SLOT_ACTIVE *
                forbid UPDATED_READY
                boot 2
                expect 120s STAGE0_BOOT a normal * *
                expect 120s TRUST_ROOT_REFUSED rogue.pub ROOT_NOT_ANCHORED
                expect 120s "trialboot-init: HARD FAILURE of the active slot (exit 3); starting a shell, not rebooting"
                """));
        console.waitFor(reboot, l -> l.text().startsWith("guest: no trust: ROOT_NOT_ANCHORED: admission record is signed by root"),
                Duration.ofSeconds(10), "the console saying why nothing started");
    }
}
