package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Slot;
import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.DomainState;
import io.trialboot.markers.Marker;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionDecision.Outcome;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.WitnessMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nx admit}: root-signed admission decisions delivered on the media move the system domain
 * through seed 004's states, each outcome gating what the device may do, every applied admission
 * kept under the seed's names, a replayed or forged one REJECTED and quarantined.
 */
class AdmissionLifecycleTest {
    @TempDir
    Path tmp;
    GuestRig rig;

    @BeforeEach
    void device() throws Exception {
        rig = new GuestRig(tmp);
        rig.boot();
        assertEquals(0, nx(rig, "selfcheck").rc());
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private AdmissionRecord record() {
        return rig.keys.record(WitnessMode.SINGLE, 1, List.of(rig.keys.k1), List.of(rig.keys.k3));
    }

    /** Writes {@code updates/admission/<name>/} and returns its pkg:// input. */
    private String admission(String name, AdmissionRecord record, Outcome outcome, long sequence, SigningKey signer) {
        Packaging.writeAdmissionInput(rig.paths.media().resolve("updates/admission/" + name), record, rig.keys.root,
                outcome, sequence, signer);
        return "pkg://updates/admission/" + name;
    }

    private String admission(String name, Outcome outcome, long sequence) {
        return admission(name, record(), outcome, sequence, rig.keys.root);
    }

    private static void ok(GuestServicesTest.Nx r, String line) {
        assertEquals(0, r.rc(), r.lines().toString());
        assertTrue(r.lines().contains(line), r.lines().toString());
    }

    private static void refused(GuestServicesTest.Nx r, String code) {
        assertEquals(1, r.rc(), r.lines().toString());
        assertTrue(r.lines().get(r.lines().size() - 1).endsWith("failed: " + code), r.lines().toString());
    }

    private DomainState state() {
        return rig.tree().system().descriptor().state();
    }

    private long quarantined() throws IOException {
        try (Stream<Path> s = Files.list(rig.tree().quarantine())) {
            return s.count();
        }
    }

    @Test
    void suspendedRefusesAnInstallReinstatedAcceptsItRevokedLeavesOnlyInspection() throws Exception {
        String suspend = admission("suspend", Outcome.SUSPENDED, 1);
        ok(nx(rig, "admit", suspend), "domain=SUSPENDED");
        assertTrue(rig.lines().contains(Marker.ADMISSION_APPLIED.line("SUSPENDED", 1, "SUSPENDED")), rig.lines().toString());
        refused(nx(rig, "update", "apply", UpdateRpcTest.V110), "HOST_DOMAIN_SUSPENDED");
        ok(nx(rig, "admit", admission("reinstate", Outcome.ACCEPTED, 2)), "domain=FULL");

        long before = quarantined();
        refused(nx(rig, "admit", suspend), "ADMISSION_NOT_NEWER");
        assertEquals(DomainState.FULL, state(), "a replayed older decision changes nothing");
        assertEquals(before + 4, quarantined(), "its four files are quarantined");
        int rejected = rig.lines().indexOf(Marker.ADMISSION_REJECTED.line("ADMISSION_NOT_NEWER", suspend));
        assertTrue(rejected > 0 && MarkerLines.is(rig.lines().get(rejected - 1), Marker.ADMISSION_REJECTED_WHY,
                "ADMISSION_NOT_NEWER", "*"), rig.lines().toString());

        ok(nx(rig, "update", "apply", UpdateRpcTest.V110), "trial=b");
        ok(nx(rig, "admit", admission("revoke", Outcome.REVOKED, 3)), "domain=REVOKED");
        refused(nx(rig, "update", "apply", UpdateRpcTest.V110), "HOST_DOMAIN_REVOKED");
        refused(nx(rig, "confirm"), "HOST_DOMAIN_REVOKED");
        refused(nx(rig, "admit", admission("again", Outcome.ACCEPTED, 4)), "HOST_DOMAIN_REVOKED");
        ok(nx(rig, "status"), "domain=REVOKED");
        assertEquals(0, nx(rig, "history").rc(), "inspection still works");
        assertEquals(0, nx(rig, "receipts").rc());

        Path admission = rig.tree().system().admission();
        for (String seq : List.of("000001", "000002", "000003")) {
            try (Stream<Path> s = Files.list(admission.resolve(seq))) {
                assertEquals(List.of("admission-decision.cbor", "admission-decision.sig", "admission-request.cbor",
                        "dam.cbor", "dam.sig"), s.map(p -> p.getFileName().toString()).sorted().toList(), seq);
            }
        }
        assertFalse(Files.exists(admission.resolve("000004")));
        assertEquals(3, AdmissionLedger.current(rig.tree().system()));
        assertTrue(Files.readString(rig.tree().system().auth().resolve("root.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
    }

    @Test
    void limitedDeferredForgedAndNewKeysEachDoWhatTheTableSays() throws Exception {
        ok(nx(rig, "admit", admission("limited", Outcome.ACCEPTED_LIMITED, 1)), "domain=COURTESY");
        GuestServicesTest.Nx courtesy = nx(rig, "update", "apply", UpdateRpcTest.V110);
        refused(courtesy, "HOST_ADMISSION_REJECTED");
        assertTrue(courtesy.lines().contains("version=1.1.0"), "installed under the lease, never switched: " + courtesy.lines());
        assertEquals(1, rig.tree().system().lease().orElseThrow().snapshotsTaken());

        ok(nx(rig, "admit", admission("deferred", Outcome.DEFERRED, 2)), "domain=UNRECOGNIZED");
        refused(nx(rig, "update", "apply", UpdateRpcTest.V110), "HOST_ADMISSION_REJECTED");
        int status = rig.boot();
        assertEquals(DomainState.UNRECOGNIZED, state(), "a boot does not admit a deferred domain on its own");
        assertEquals(0, status, rig.lines().toString());

        long before = quarantined();
        String forged = admission("forged", record(), Outcome.ACCEPTED, 3, rig.keys.k1);
        refused(nx(rig, "admit", forged), "ADMISSION_NOT_ROOT_SIGNED");
        assertEquals(before + 4, quarantined());
        assertEquals(DomainState.UNRECOGNIZED, state());
        assertEquals(2, AdmissionLedger.current(rig.tree().system()));

        AdmissionRecord rotated = rig.keys.record(WitnessMode.SINGLE, 1, List.of(rig.keys.k2),
                List.of(rig.keys.k1, rig.keys.k3));
        ok(nx(rig, "admit", admission("rotated", rotated, Outcome.ACCEPTED, 3, rig.keys.root)), "domain=FULL");
        refused(nx(rig, "update", "apply", UpdateRpcTest.V110), "KEY_REVOKED");
        assertTrue(rig.boot() != 0, "the next boot trusts the new record too: the running system set's signer is revoked");
        assertTrue(BundlemgrdTest.hardFailure(rig.lines(), Slot.A, "KEY_REVOKED"), rig.lines().toString());
    }
}
