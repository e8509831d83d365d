package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Slot;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** bundlemgrd publishes a slot only after its system set verified; what init does when it does not. */
@ExtendWith(GuestRigExtension.class)
class BundlemgrdTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
    }

    private static final LinePattern ANY_HARD_FAILURE = LinePattern.of(Marker.GUEST_HARD_FAILURE);

    /** Whether the guest printed its hard failure of the active {@code slot} with {@code code}. */
    static boolean hardFailure(List<String> lines, Slot slot, String code) {
        LinePattern failure = LinePattern.of(Marker.GUEST_HARD_FAILURE, slot.letter(), code, "*");
        return lines.stream().anyMatch(l -> failure.match(l, Map.of()).isPresent());
    }

    private void assertNotPublished(String code) {
        List<String> c = rig.lines();
        assertTrue(c.contains(Marker.BUNDLEMGRD_REJECTED.line(code)), c.toString());
        assertFalse(c.stream().anyMatch(l -> MarkerLines.is(l, Marker.BUNDLEMGRD_SLOT_ACTIVE)), "slot not published: " + c);
        assertFalse(c.contains(Marker.UPDATED_READY.line()), c.toString());
        assertFalse(Files.exists(rig.paths.publishedSlot()));
        assertFalse(Files.exists(rig.paths.bundles()), "unverified bundle files are removed");
    }

    @Test
    void aSystemSetSignedByAnUnknownKeyIsAHardFailureOnTheActiveSlot() throws Exception {
        rig.systemSigner = rig.keys.stranger;
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertNotPublished("KEY_UNKNOWN");
        assertTrue(hardFailure(rig.lines(), Slot.A, "KEY_UNKNOWN"), rig.lines().toString());
    }

    @Test
    void aTamperedBundleIsADigestMismatch() throws Exception {
        rig.tamper = set -> {
            byte[] copy = set.clone();
            // the payload jar sits inside hello.nxb; its signed digest in the index no longer matches
            int i = indexOf(copy, "PK".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            copy[i + 10] ^= 1;
            return copy;
        };
        assertEquals(GuestMain.EXIT_HARD_FAILURE, rig.boot());
        assertNotPublished("DIGEST_MISMATCH");
    }

    /** Where {@code needle} first occurs in {@code hay}. */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void anActiveSlotWhoseFilesCannotBeReadExitsForARebootSoStageZeroCountsItsStarts() throws Exception {
        rig.systemSetUnreadable = true;
        for (int start = 1; start <= BootControlFile.MAX_FAILED_STARTS; start++) {
            assertEquals(GuestMain.EXIT_RETRY, rig.boot());
            assertEquals(start, rig.bootControl().failedStarts(), "stage 0 counted start " + start);
        }
        assertNotPublished("HOST_IO_ERROR");
        LinePattern unreadable = LinePattern.of(Marker.GUEST_ACTIVE_UNREADABLE, "a", "HOST_IO_ERROR", "*");
        assertTrue(rig.lines().stream().anyMatch(l -> unreadable.match(l, Map.of()).isPresent()), rig.lines().toString());
        assertFalse(rig.lines().stream().anyMatch(l -> ANY_HARD_FAILURE.match(l, Map.of()).isPresent()), rig.lines().toString());
    }

    @Test
    void anUnverifiableTrialSlotExitsForARebootSoStageZeroCountsTheTry() throws Exception {
        rig.boot();
        assertEquals(0, nx(rig, "selfcheck").rc());
        assertEquals(0, nx(rig, "update", "apply", UpdateRpcTest.V110).rc());
        rig.systemSigner = rig.keys.k3; // revoked
        assertEquals(GuestMain.EXIT_RETRY, rig.boot());
        assertTrue(rig.lines().contains(Marker.BUNDLEMGRD_REJECTED.line("KEY_REVOKED")));
        assertTrue(rig.lines().contains(Marker.GUEST_TRIAL_CANNOT_START.line("b", "KEY_REVOKED")), rig.lines().toString());
        assertEquals(2, rig.bootControl().triesLeft());
    }

    @Test
    void aTrialSlotThatNeverReachesHealthdFallsBackWhenTriesRunOutAndBootctldRecordsIt() throws Exception {
        rig.boot();
        assertEquals(0, nx(rig, "selfcheck").rc());
        assertEquals(0, nx(rig, "update", "apply", UpdateRpcTest.V110).rc());
        rig.systemSigner = rig.keys.stranger; // the trial slot dies before healthd on every boot
        for (int tries = 3; tries > 0; tries--) {
            assertEquals(GuestMain.EXIT_RETRY, rig.boot());
        }
        rig.systemSigner = rig.keys.k1;
        assertEquals(0, rig.boot());
        List<String> c = rig.lines();
        List<String> last = c.subList(c.lastIndexOf("OpenSBI v1.1"), c.size());
        assertEquals(Marker.STAGE0_BOOT.line("a", "fallback", 0, 5), last.get(1));
        assertEquals(List.of(Marker.BOOTCTLD_FALLBACK.line("b"), Marker.BOOTCTLD_READY.line(),
                Marker.BUNDLEMGRD_SLOT_ACTIVE.line("a")), last.subList(2, 5));
        BootControlFile bc = rig.bootControl();
        assertEquals(SlotState.BAD, bc.slotB());
        assertEquals(Slot.A, bc.active());
        List<String> h = nx(rig, "history").lines();
        assertTrue(h.stream().anyMatch(l -> MarkerLines.is(l, Marker.HISTORY_ENTRY, "*", "rollback", "*")
                && l.contains(" rollback slot=b to=a reason=crash-loop")),
                h.toString());
    }

    @Test
    void eachBootExtractsAfreshSoNothingUnverifiedSurvivesFromBefore() throws Exception {
        Files.createDirectories(rig.paths.bundles());
        Files.writeString(rig.paths.bundles().resolve("evil.nxb"), "left over");
        rig.boot();
        try (var files = Files.list(rig.paths.bundles())) {
            assertEquals(List.of("hello", "hello.nxb"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.size(rig.paths.bundles().resolve("hello/payload.jar")) > 0);
    }
}
