package io.trialboot.it;

import io.trialboot.core.Version;
import io.trialboot.guest.MediaInputs;
import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.image.AdmissionMedia.Step;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.Contract;
import org.junit.jupiter.api.Test;

/**
 * Admission as a signed lifecycle in the guest: the update media carries root-signed admission
 * decisions (guest-image's {@link io.trialboot.image.AdmissionMedia}: suspend 1, reinstate 2, revoke 3) applied with
 * {@code nx admit}. A suspended domain refuses an install, a reinstated one takes it (installed and
 * put on trial), a revoked one refuses everything but inspection, and an older decision replayed
 * is refused. A reboot after the reinstatement comes up verified, on the admitted record: stage 0 verifies
 * it, the guest takes it on stage 0's verdict (no signature check of its own, and none of the superseded
 * factory record), and the domain's state and the ledger's sequence hold across it.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class AdmissionLifecycleIT {
    static final String V110 = MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0")));

    private static void step(QemuVm vm, String name, String expect) {
        step(vm, 1, name, expect);
    }

    private static void step(QemuVm vm, int boot, String name, String expect) {
        vm.await(Contract.parse(name, "boot " + boot + "\n" + expect));
    }

    @Test
    void suspendedRefusesAnInstallReinstatedTakesItRevokedAllowsOnlyInspection(QemuVm vm) {
        vm.type("nx selfcheck");
        vm.type("nx admit " + Step.SUSPEND.input());
        step(vm, "suspended", "expect 120s ADMISSION_APPLIED SUSPENDED 1 SUSPENDED\n");
        vm.type("nx update apply " + V110);
        step(vm, "install-refused", """
                forbid UPDATE_APPLY_OK
                expect 180s "nx: update apply %s failed: HOST_DOMAIN_SUSPENDED"
                """.formatted(V110));
        vm.type("nx admit " + Step.REINSTATE.input());
        step(vm, "reinstated", "expect 120s ADMISSION_APPLIED ACCEPTED 2 FULL\n");
        // A reboot after nx admit: stage 0 verifies the admission applied last (000002/) and the guest takes
        // that record, the trust in force, on stage 0's verdict; the steps after it run on that boot.
        vm.type("nx reboot");
        step(vm, 2, "rebooted-admitted", """
                expect 120s STAGE0_BOOT a normal * *
                expect 60s TRUST_VERDICT_TAKEN 000002/dam.cbor * * a *
                expect 60s BOOTCTLD_READY
                expect 60s UPDATED_READY
                expect 60s GUEST_SHELL_READY
                """);
        vm.type("nx status");
        step(vm, 2, "admitted-after-reboot", """
                expect 60s "slot=a"
                expect 10s "domain=FULL"
                """);
        vm.type("nx admit " + Step.SUSPEND.input());
        step(vm, 2, "replay-refused", """
                expect 120s ADMISSION_REJECTED_WHY ADMISSION_NOT_NEWER *
                expect 10s ADMISSION_REJECTED ADMISSION_NOT_NEWER %s
                """.formatted(Step.SUSPEND.input()));
        vm.type("nx update apply " + V110);
        step(vm, 2, "installed", """
                expect 300s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """);
        vm.type("nx admit " + Step.REVOKE.input());
        step(vm, 2, "revoked", "expect 120s ADMISSION_APPLIED REVOKED 3 REVOKED\n");
        vm.type("nx rollback");
        step(vm, 2, "rollback-refused", "expect 120s \"nx: rollback failed: HOST_DOMAIN_REVOKED\"\n");
        vm.type("nx update apply " + V110);
        step(vm, 2, "install-refused-revoked", "expect 180s \"nx: update apply %s failed: HOST_DOMAIN_REVOKED\"\n"
                .formatted(V110));
        vm.type("nx status");
        step(vm, 2, "inspection", """
                expect 60s "slot=a"
                expect 5s "slot_b=verified"
                expect 5s "trial=b"
                expect 5s "domain=REVOKED"
                """);
    }
}
