package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.markers.Marker;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.AdmissionDecision.Outcome;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.trust.Trust;
import io.trialboot.trust.WitnessMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guest's side of stage 0's verdict (docs/verified-boot.md#stage-0s-verdict): with a verdict for
 * the exact admission record in force and the booted slot, the boot runs no signature check of its
 * own; with none, a garbled one, one for other bytes or another slot, every check is the JVM's as
 * before, with the same codes.
 */
@ExtendWith(GuestRigExtension.class)
class Stage0HandoffTest {
    private static final Sha256 VERITY = Sha256.of("slot a's verity root".getBytes(StandardCharsets.US_ASCII));
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) {
        this.rig = rig;
    }

    private Path record(String file) {
        return rig.paths.state().resolve(Trust.admissionDir(HostStateTree.SYSTEM_DOMAIN)).resolve(file);
    }

    /** Writes the verdict stage 0 would for {@code file} as it is now, and {@code slot}. */
    private Stage0Verdict handOver(String file, Slot slot) throws Exception {
        Stage0Verdict v = new Stage0Verdict(file, Sha256.of(Files.readAllBytes(record(file))), rig.keys.root.keyId(), slot,
                VERITY);
        Files.write(rig.paths.verdict(), v.encode());
        return v;
    }

    /** The index's signature in the system set replaced by zeros: only a check of the math refuses it. */
    private static byte[] zeroIndexSignature(byte[] set) {
        byte[] copy = set.clone();
        byte[] head = {0x63, 's', 'i', 'g', 0x58, 0x40}; // "sig": bytes(64)
        int at = BundlemgrdTest.indexOf(copy, head) + head.length;
        Arrays.fill(copy, at, at + 64, (byte) 0);
        return copy;
    }

    private boolean printed(String line) {
        return rig.lines().contains(line);
    }

    private boolean printed(Marker marker, String... args) {
        return rig.lines().stream().anyMatch(l -> MarkerLines.is(l, marker, args));
    }

    private boolean printedStarting(String start) {
        return rig.lines().stream().anyMatch(l -> l.startsWith(start));
    }

    @Test
    void aVerdictForTheRecordInForceAndTheBootedSlotReplacesEverySignatureCheck() throws Exception {
        handOver("dam.cbor", Slot.A);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(0, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_TAKEN, "dam.cbor", "*", "*", "a", "*"), rig.lines().toString());
        assertTrue(printed(Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a")), rig.lines().toString());
        assertTrue(printed(Marker.UPDATED_READY.line()), rig.lines().toString());
    }

    @Test
    void withoutAVerdictTheSameSystemSetIsRefusedByTheSignatureCheck() throws Exception {
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("SIG_INVALID")), rig.lines().toString());
        assertFalse(printedStarting("trust: "), "no verdict, no line: " + rig.lines());
    }

    @Test
    void aVerdictForTheOtherSlotLeavesTheSystemSetToTheFullCheck() throws Exception {
        handOver("dam.cbor", Slot.B);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_TAKEN, "dam.cbor", "*", "*", "b", "*"), rig.lines().toString());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("SIG_INVALID")), rig.lines().toString());
    }

    @Test
    void onTheCoveredSlotARevokedSignerOfTheSystemSetIsStillRefused() throws Exception {
        handOver("dam.cbor", Slot.A);
        rig.systemSigner = rig.keys.k3; // revoked by the record in force
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("KEY_REVOKED")), rig.lines().toString());
        rig.systemSigner = rig.keys.stranger;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("KEY_UNKNOWN")), rig.lines().toString());
    }

    @Test
    void aRecordChangedAfterStageZeroVerifiedItIsNeverTrusted() throws Exception {
        handOver("dam.cbor", Slot.A);
        byte[] changed = Files.readAllBytes(record("dam.cbor"));
        changed[changed.length - 1] ^= 1;
        Files.write(record("dam.cbor"), changed);
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printedStarting(Marker.GUEST_NO_TRUST.line("SIG_INVALID: admission record signature by root ")),
                rig.lines().toString());
        assertFalse(printed(Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a")), rig.lines().toString());
    }

    @Test
    void aGarbledVerdictIsSaidAndEveryCheckIsTheJvmsOwn() throws Exception {
        Files.writeString(rig.paths.verdict(), "OK\n");
        assertEquals(0, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_UNUSED.line("MALFORMED_INPUT",
                "stage 0's verdict is not 6 lines, each ending in a newline")), rig.lines().toString());
        assertTrue(printed(Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a")), rig.lines().toString());
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("SIG_INVALID")), rig.lines().toString());
    }

    @Test
    void anAppliedAdmissionIsTakenOnAVerdictForItsOwnFileOnly() throws Exception {
        String applied = admit();
        assertEquals(AdmissionLedger.latest(rig.tree().system()).orElseThrow().getFileName() + "/" + Trust.ADMISSION_FILE,
                applied);
        // The factory record's verdict does not vouch for the one in force: checked here.
        handOver("dam.cbor", Slot.A);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_NOT_IN_FORCE, "dam.cbor", "*", "*", "a", "*"), rig.lines().toString());
        assertTrue(printed(Marker.BUNDLEMGRD_REJECTED.line("SIG_INVALID")), rig.lines().toString());
        handOver(applied, Slot.A);
        assertEquals(0, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_TAKEN, "000001/dam.cbor", "*", "*", "a", "*"), rig.lines().toString());
    }

    /** Applies an admission with {@code nx admit} (k1 admitted, k3 revoked, as the factory's); returns its file. */
    private String admit() throws Exception {
        assertEquals(0, rig.boot());
        Packaging.writeAdmissionInput(rig.paths.media().resolve("updates/admission/next"),
                rig.keys.record(WitnessMode.SINGLE, 1, List.of(rig.keys.k1), List.of(rig.keys.k3)), rig.keys.root,
                Outcome.ACCEPTED, 1, rig.keys.root);
        assertEquals(0, nx(rig, "admit", "pkg://updates/admission/next").rc());
        return "000001/" + Trust.ADMISSION_FILE;
    }

    @Test
    void aSupersededFactoryRecordIsNotReadAtBoot() throws Exception {
        String applied = admit();
        // Only a read of the factory's record could notice: its signature file is garbage now.
        Files.write(record(Trust.ADMISSION_SIGNATURE_FILE), new byte[] {1, 2, 3});
        handOver(applied, Slot.A);
        assertEquals(0, rig.boot());
        assertTrue(printed(Marker.TRUST_VERDICT_TAKEN, "000001/dam.cbor", "*", "*", "a", "*"), rig.lines().toString());
        assertTrue(printed(Marker.UPDATED_READY.line()), rig.lines().toString());
        // Without a verdict the applied record's own signature is checked here, still not the factory's.
        Files.delete(rig.paths.verdict());
        assertEquals(0, rig.boot());
        assertTrue(printed(Marker.UPDATED_READY.line()), rig.lines().toString());
    }

    @Test
    void theAppliedRecordInForceIsCheckedAsTheFactorysWas() throws Exception {
        String applied = admit();
        handOver(applied, Slot.A);
        byte[] changed = Files.readAllBytes(record(applied));
        changed[changed.length - 1] ^= 1;
        Files.write(record(applied), changed);
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printedStarting(Marker.GUEST_NO_TRUST.line("SIG_INVALID: admission record signature by root ")),
                rig.lines().toString());
        // A genuine root-signed record of another domain planted as the newest: refused, as the factory's would be.
        Path planted = record("000002/" + Trust.ADMISSION_FILE);
        Files.createDirectories(planted.getParent());
        AdmissionRecord other = new AdmissionRecord("other", Fixture.COMPATIBLE, Fixture.POLICY, WitnessMode.SINGLE, 1,
                Map.of(rig.keys.k1.keyId(), rig.keys.k1.publicKey()), Set.of());
        Files.write(planted, other.encode());
        Files.write(planted.resolveSibling(Trust.ADMISSION_SIGNATURE_FILE), Fixture.sign(other.encode(), rig.keys.root));
        handOver("000002/" + Trust.ADMISSION_FILE, Slot.A);
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(rig.lines().stream().anyMatch(l -> l.startsWith(Marker.GUEST_NO_TRUST.line("HOST_ADMISSION_REJECTED: admission record in "))
                && l.endsWith("000002 is for domain 'other', not 'system'")), rig.lines().toString());
    }
}
