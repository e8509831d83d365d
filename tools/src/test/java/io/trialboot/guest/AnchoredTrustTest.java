package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.Marker;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Trust;
import io.trialboot.trust.WitnessMode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guest takes its roots only from the anchor stage 0 hands over ({@link GuestPaths#anchor()});
 * the state partition's {@code trusted-roots/} is a mirror that anyone with a shell can write.
 */
@ExtendWith(GuestRigExtension.class)
class AnchoredTrustTest {
    private static final String SLOT_A_ACTIVE = Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a");
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
    }

    @Test
    void aRootOnlyTheMirrorHoldsIsRefusedWithAMarkerAndNeverUsed() throws Exception {
        Packaging.pinRoot(rig.paths.state(), "rogue", rig.keys.stranger.publicKey());
        assertEquals(0, rig.boot());
        List<String> lines = rig.lines();
        int refused = lines.indexOf(Marker.TRUST_ROOT_REFUSED.line("rogue.pub", "ROOT_NOT_ANCHORED"));
        assertTrue(refused >= 0, lines.toString());
        assertTrue(lines.get(refused + 1).startsWith(Marker.TRUST_ROOT_REFUSED_WHY.line("rogue.pub", "root "
                + rig.keys.stranger.keyId() + " in ")) && lines.get(refused + 1).endsWith(": never used"), lines.toString());
        assertFalse(lines.contains(Marker.TRUST_ROOT_REFUSED.line("root.pub", "ROOT_NOT_ANCHORED")), lines.toString());
        assertTrue(lines.contains(SLOT_A_ACTIVE), lines.toString());
    }

    @Test
    void anAdmissionRecordSignedByAMirrorOnlyRootStartsNothing() throws Exception {
        Packaging.pinRoot(rig.paths.state(), "rogue", rig.keys.stranger.publicKey());
        Packaging.writeAdmission(rig.paths.state(),
                rig.keys.record(WitnessMode.SINGLE, 1, List.of(rig.keys.stranger), List.of()), rig.keys.stranger);
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        List<String> lines = rig.lines();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(Marker.GUEST_NO_TRUST.line("ROOT_NOT_ANCHORED: admission record is"
                + " signed by root " + rig.keys.stranger.keyId()))), lines.toString());
        assertFalse(lines.contains(SLOT_A_ACTIVE), lines.toString());
    }

    @Test
    void theRootsComeFromTheAnchorNotFromTheMirror() throws Exception {
        Files.delete(rig.paths.state().resolve(Trust.ROOTS_DIR).resolve("root.pub"));
        assertEquals(0, rig.boot());
        assertTrue(rig.lines().contains(SLOT_A_ACTIVE), rig.lines().toString());
    }

    @Test
    void withoutTheAnchorThereIsNoTrustEvenWithTheMirrorIntact() throws Exception {
        Files.delete(rig.paths.anchor().resolve("root.pub"));
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertTrue(rig.lines().stream().anyMatch(l -> l.startsWith(Marker.GUEST_NO_TRUST.line("HOST_NOT_FOUND: trust store "
                + rig.paths.anchor() + " holds no *.pub root key"))), rig.lines().toString());
        assertFalse(Files.exists(rig.paths.bundles()), "the bundles read beside the trust load are removed");
    }
}
