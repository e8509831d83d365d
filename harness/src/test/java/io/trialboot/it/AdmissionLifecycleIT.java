package io.trialboot.it;

import io.trialboot.harness.QemuTest;
import io.trialboot.harness.QemuVm;
import io.trialboot.markers.Contract;
import org.junit.jupiter.api.Test;

/**
 * Admission as a signed lifecycle in the guest: the update media carries root-signed admission
 * decisions (guest-image's {@code AdmissionMedia}: suspend 1, reinstate 2, revoke 3) applied with
 * {@code nx admit}. A suspended domain refuses an install, a reinstated one takes it (installed and
 * put on trial), a revoked one refuses everything but inspection, and an older decision replayed
 * is refused.
 */
@QemuTest(start = QemuTest.Start.FACTORY_AT_CONSOLE)
class AdmissionLifecycleIT {
    static final String V110 = "pkg://updates/releases/1.1.0/manifest.nxm";

    private static void step(QemuVm vm, String name, String expect) {
        vm.await(Contract.parse(name, "boot 1\n" + expect));
    }

    @Test
    void suspendedRefusesAnInstallReinstatedTakesItRevokedAllowsOnlyInspection(QemuVm vm) {
        vm.type("nx selfcheck");
        vm.type("nx admit pkg://updates/admission/suspend");
        step(vm, "suspended", "expect 120s \"admission: SUSPENDED seq=1 domain=SUSPENDED\"\n");
        vm.type("nx update apply " + V110);
        step(vm, "install-refused", """
                forbid UPDATE_APPLY_OK
                expect 180s "nx: update apply %s failed: HOST_DOMAIN_SUSPENDED"
                """.formatted(V110));
        vm.type("nx admit pkg://updates/admission/reinstate");
        step(vm, "reinstated", "expect 120s \"admission: ACCEPTED seq=2 domain=FULL\"\n");
        vm.type("nx admit pkg://updates/admission/suspend");
        step(vm, "replay-refused", "expect 120s \"admission: REJECTED code=ADMISSION_NOT_NEWER"
                + " input=pkg://updates/admission/suspend\"\n");
        vm.type("nx update apply " + V110);
        step(vm, "installed", """
                expect 300s UPDATE_APPLY_OK b full
                expect 60s UPDATE_AWAIT_CONFIRM
                """);
        vm.type("nx admit pkg://updates/admission/revoke");
        step(vm, "revoked", "expect 120s \"admission: REVOKED seq=3 domain=REVOKED\"\n");
        vm.type("nx rollback");
        step(vm, "rollback-refused", "expect 120s \"nx: rollback failed: HOST_DOMAIN_REVOKED\"\n");
        vm.type("nx update apply " + V110);
        step(vm, "install-refused-revoked", "expect 180s \"nx: update apply %s failed: HOST_DOMAIN_REVOKED\"\n"
                .formatted(V110));
        vm.type("nx status");
        step(vm, "inspection", """
                expect 60s "slot=a"
                expect 5s "slot_b=verified"
                expect 5s "trial=b"
                expect 5s "domain=REVOKED"
                """);
    }
}
