package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.hoststate.AdmissionLedger;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.AdmissionDecision.Outcome;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.trust.Trust;
import io.trialboot.trust.WitnessMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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

    private boolean printedStarting(String start) {
        return rig.lines().stream().anyMatch(l -> l.startsWith(start));
    }

    @Test
    void aVerdictForTheRecordInForceAndTheBootedSlotReplacesEverySignatureCheck() throws Exception {
        handOver("dam.cbor", Slot.A);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(0, rig.boot());
        assertTrue(printedStarting("trust: taken on stage 0's verdict: dam.cbor sha256 "), rig.lines().toString());
        assertTrue(printed("bundlemgrd: slot a active"), rig.lines().toString());
        assertTrue(printed("updated: ready"), rig.lines().toString());
    }

    @Test
    void withoutAVerdictTheSameSystemSetIsRefusedByTheSignatureCheck() throws Exception {
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed("bundlemgrd: system set rejected code=SIG_INVALID"), rig.lines().toString());
        assertFalse(printedStarting("trust: "), "no verdict, no line: " + rig.lines());
    }

    @Test
    void aVerdictForTheOtherSlotLeavesTheSystemSetToTheFullCheck() throws Exception {
        handOver("dam.cbor", Slot.B);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printedStarting("trust: taken on stage 0's verdict: dam.cbor"), rig.lines().toString());
        assertTrue(printed("bundlemgrd: system set rejected code=SIG_INVALID"), rig.lines().toString());
    }

    @Test
    void onTheCoveredSlotARevokedSignerOfTheSystemSetIsStillRefused() throws Exception {
        handOver("dam.cbor", Slot.A);
        rig.systemSigner = rig.keys.k3; // revoked by the record in force
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed("bundlemgrd: system set rejected code=KEY_REVOKED"), rig.lines().toString());
        rig.systemSigner = rig.keys.stranger;
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed("bundlemgrd: system set rejected code=KEY_UNKNOWN"), rig.lines().toString());
    }

    @Test
    void aRecordChangedAfterStageZeroVerifiedItIsNeverTrusted() throws Exception {
        handOver("dam.cbor", Slot.A);
        byte[] changed = Files.readAllBytes(record("dam.cbor"));
        changed[changed.length - 1] ^= 1;
        Files.write(record("dam.cbor"), changed);
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printedStarting("guest: no trust: SIG_INVALID: admission record signature by root "),
                rig.lines().toString());
        assertFalse(printed("bundlemgrd: slot a active"), rig.lines().toString());
    }

    @Test
    void aGarbledVerdictIsSaidAndEveryCheckIsTheJvmsOwn() throws Exception {
        Files.writeString(rig.paths.verdict(), "OK\n");
        assertEquals(0, rig.boot());
        assertTrue(printed("trust: stage 0's verdict not used (MALFORMED_INPUT: stage 0's verdict is not 6 lines, each"
                + " ending in a newline): every signature is checked here"), rig.lines().toString());
        assertTrue(printed("bundlemgrd: slot a active"), rig.lines().toString());
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printed("bundlemgrd: system set rejected code=SIG_INVALID"), rig.lines().toString());
    }

    @Test
    void anAppliedAdmissionIsTakenOnAVerdictForItsOwnFileOnly() throws Exception {
        assertEquals(0, rig.boot());
        Packaging.writeAdmissionInput(rig.paths.media().resolve("updates/admission/next"),
                rig.keys.record(WitnessMode.SINGLE, 1, List.of(rig.keys.k1), List.of(rig.keys.k3)), rig.keys.root,
                Outcome.ACCEPTED, 1, rig.keys.root);
        assertEquals(0, nx(rig, "admit", "pkg://updates/admission/next").rc());
        String applied = AdmissionLedger.latest(rig.tree().system()).orElseThrow().getFileName() + "/" + Trust.ADMISSION_FILE;
        assertEquals("000001/dam.cbor", applied);
        // The factory record's verdict does not vouch for the one in force: checked here.
        handOver("dam.cbor", Slot.A);
        rig.tamper = Stage0HandoffTest::zeroIndexSignature;
        assertEquals(Guest.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(printedStarting("trust: stage 0's verdict (dam.cbor sha256 "), rig.lines().toString());
        assertTrue(printed("bundlemgrd: system set rejected code=SIG_INVALID"), rig.lines().toString());
        handOver(applied, Slot.A);
        assertEquals(0, rig.boot());
        assertTrue(printedStarting("trust: taken on stage 0's verdict: 000001/dam.cbor sha256 "), rig.lines().toString());
    }
}
