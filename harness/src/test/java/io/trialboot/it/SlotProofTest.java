package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Slot;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.SavedState;
import io.trialboot.harness.SnapshotRecipe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A bootable slot skips the re-hash only when it is proven to hold bytes that passed it: unchanged
 * since a verified state, or the same bytes as a verified state's, by where they came from or byte
 * for byte. Everything else is re-hashed.
 */
class SlotProofTest {
    private static final String ROOT_A = "a1".repeat(32);
    private static final String ROOT_B = "b1".repeat(32);

    private static final SnapshotRecipe FACTORY = SnapshotRecipe.fromColdBoot("factory", "first boot", vm -> { });
    private static final SnapshotRecipe APPLY_OK = FACTORY.then("apply-ok", "apply, paused", vm -> { });
    private static final SnapshotRecipe SWITCHED = APPLY_OK.then("switched", "switch; --deep", vm -> { });
    private static final SnapshotRecipe ELSEWHERE = FACTORY.then("elsewhere", "other steps", vm -> { });

    /** What the cache knows of each state, as {@code QemuVm.saved} would say it. */
    private final Map<SnapshotRecipe, SavedState> cache = new HashMap<>();
    /** The byte comparisons asked for, and their answer. */
    private final List<String> compared = new ArrayList<>();
    private boolean bytesEqual;
    private final SlotProof proof = new SlotProof(r -> Optional.ofNullable(cache.get(r)), (r, p) -> {
        compared.add(p + " in " + r.name());
        return bytesEqual;
    });

    private static StatusReply status(String slotA, String slotB, String verityA, String verityB) {
        return StatusReply.parse(List.of("slot=a", "version=1.0.0", "boot_count=2", "mode=normal", "tries_left=0",
                "slot_a=" + slotA, "slot_b=" + slotB, "active=a", "trial=" + (slotB.equals("verified") ? "b" : "none"),
                "floor=1.0.0", "verity_a=" + verityA, "verity_b=" + verityB, "domain=FULL"));
    }

    private void cached(SnapshotRecipe r, String... ownWrites) {
        cache.put(r, new SavedState(r.name(), List.of(), true, Set.of(ownWrites)));
    }

    private void everyStateCached() {
        cached(FACTORY, "state");
        cached(APPLY_OK, "slot_b", "state");
        cached(SWITCHED, "state"); // the resumed apply wrote only the switch
    }

    @Test
    void aSlotNoDiskWroteSinceTheRestoredStateHoldsItsBytesWithoutAComparison() {
        everyStateCached();
        assertEquals(Optional.of(" (not written since factory)"),
                proof.sameBytes(SWITCHED, "slot_a", Optional.of(FACTORY), Set.of("state", "slot_b")));
        assertEquals(Optional.of(" (not written since apply-ok)"),
                proof.sameBytes(SWITCHED, "slot_b", Optional.of(APPLY_OK), Set.of("state")));
        assertEquals(List.of(), compared, "proven by where the bytes came from");
    }

    @Test
    void aWriteOnTheWayOrSinceTheRestoreOrAnotherLineageFallsBackToComparingTheBytes() {
        everyStateCached();
        bytesEqual = false;
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_b", Optional.of(FACTORY), Set.of()),
                "apply-ok's disk wrote slot b");
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_a", Optional.of(FACTORY), Set.of("slot_a")),
                "written since the restore");
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_a", Optional.of(ELSEWHERE), Set.of()),
                "not made from the restored state");
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_a", Optional.empty(), Set.of()), "nothing restored");
        assertEquals(4, compared.size(), compared.toString());

        bytesEqual = true;
        assertEquals(Optional.of(""), proof.sameBytes(SWITCHED, "slot_b", Optional.of(FACTORY), Set.of()), "the same bytes");
    }

    @Test
    void aStateOnTheWayThatIsNotCachedOrTheRestoredStateNotCachedProvesNothingByAncestry() {
        cached(FACTORY, "state");
        cached(SWITCHED, "state");
        cache.put(APPLY_OK, new SavedState("apply-ok", List.of(), false, Set.of()));
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_a", Optional.of(FACTORY), Set.of()));
        cached(APPLY_OK, "slot_b", "state");
        cache.remove(FACTORY);
        assertEquals(Optional.empty(), proof.sameBytes(SWITCHED, "slot_a", Optional.of(FACTORY), Set.of()));
        assertEquals(2, compared.size(), compared.toString());
    }

    @Test
    void aFullApplyPointFromTheUnverifiedFactoryStateProvesSlotAByTheSwitchedStatesDeepCheck() {
        everyStateCached();
        StatusReply afterCut = status("good", "invalid", ROOT_A, "none");
        SlotProof.Fork fromFactory = new SlotProof.Fork(Optional.of(FACTORY), Optional.empty(), Set.of("state", "slot_b"),
                Set.of("state", "slot_b"));
        SlotProof.Verdict before = proof.check(afterCut, Optional.of(fromFactory));
        assertEquals(List.of(Slot.A), before.rehash(), "the factory state is not verified: " + before.describe());
        assertEquals(Nx.DEEP, before.selfcheck());

        proof.verified(SWITCHED, status("good", "verified", ROOT_A, ROOT_B));
        SlotProof.Verdict after = proof.check(afterCut, Optional.of(fromFactory));
        assertEquals(List.of(), after.rehash(), after.describe());
        assertEquals(List.of("a as in switched (not written since factory)"), after.same());
        assertEquals(Nx.SELFCHECK, after.selfcheck());
    }

    @Test
    void aSlotUnchangedSinceAVerifiedBasisIsProvenAndOneWithAnotherRootIsRehashed() {
        StatusReply switched = status("good", "verified", ROOT_A, ROOT_B);
        SlotProof.Fork fork = new SlotProof.Fork(Optional.of(SWITCHED), Optional.of(switched), Set.of("state"), Set.of("state"));
        SlotProof.Verdict same = proof.check(status("good", "verified", ROOT_A, ROOT_B), Optional.of(fork));
        assertEquals(List.of(Slot.A, Slot.B), same.unchanged(), same.describe());
        assertEquals(Nx.SELFCHECK, same.selfcheck());

        SlotProof.Verdict otherRoot = proof.check(status("good", "verified", ROOT_A, "b2".repeat(32)), Optional.of(fork));
        assertEquals(List.of(Slot.B), otherRoot.rehash(), otherRoot.describe());
        SlotProof.Fork wroteA = new SlotProof.Fork(Optional.of(SWITCHED), Optional.of(switched), Set.of("slot_a"), Set.of("slot_a"));
        assertEquals(List.of(Slot.A), proof.check(switched, Optional.of(wroteA)).rehash(), "slot a written, no verified state to compare");
        assertEquals(List.of(Slot.A, Slot.B), proof.check(switched, Optional.empty()).rehash(), "not forked: every bootable slot");
        assertEquals(Nx.DEEP, proof.check(switched, Optional.empty()).selfcheck());
    }
}
