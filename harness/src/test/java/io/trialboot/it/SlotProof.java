package io.trialboot.it;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.guest.StatusReply;
import io.trialboot.harness.SavedState;
import io.trialboot.harness.SnapshotRecipe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Which bootable slots a check must read back ({@code nx selfcheck --deep}) to know they verify,
 * and which are proven to hold bytes that passed that check (docs/reliability.md, "What a forked
 * point re-hashes"). It knows the <em>verified</em> phase states met so far: states in which every
 * bootable slot passed {@code --deep} or was proven to, with {@code nx status} there.
 */
final class SlotProof {
    /** What a VM knows of a saved state ({@code QemuVm.saved}). */
    private final Function<SnapshotRecipe, Optional<SavedState>> saved;
    /** Whether a partition holds now the very bytes it holds in a state's snapshot ({@code VmDisk.partitionAsIn}). */
    private final BiPredicate<SnapshotRecipe, String> partitionAsIn;
    private final Map<SnapshotRecipe, StatusReply> verified = new LinkedHashMap<>();

    SlotProof(Function<SnapshotRecipe, Optional<SavedState>> saved, BiPredicate<SnapshotRecipe, String> partitionAsIn) {
        this.saved = saved;
        this.partitionAsIn = partitionAsIn;
    }

    /** Notes that every bootable slot in {@code state} passed {@code --deep} or was proven to; {@code status} is its {@code nx status}. */
    void verified(SnapshotRecipe state, StatusReply status) {
        verified.putIfAbsent(state, status);
    }

    /** The status in {@code state}, when it is known to be verified. */
    Optional<StatusReply> verified(SnapshotRecipe state) {
        return Optional.ofNullable(verified.get(state));
    }

    /**
     * What a check proves of each bootable slot in {@code now}. Without {@code fork} (the device did
     * not start from a snapshot), none: every bootable slot is re-hashed. With it, a slot is
     * <em>unchanged</em> when it is bootable with the same signed verity root in the fork's verified
     * basis and no byte of its partition was written since; else <em>the same</em> when a verified
     * state met so far has it bootable with the same root and holds the very bytes it holds now
     * ({@link #sameBytes}); else re-hashed.
     */
    Verdict check(StatusReply now, Optional<Fork> fork) {
        List<Slot> rehash = new ArrayList<>();
        List<Slot> unchanged = new ArrayList<>();
        List<String> same = new ArrayList<>();
        for (Slot s : Slot.values()) {
            if (!now.state(s).bootable()) continue;
            if (fork.isEmpty()) {
                rehash.add(s);
                continue;
            }
            Fork f = fork.get();
            String partition = partition(s);
            if (f.basis().isPresent() && sameImage(f.basis().get(), now, s) && !f.written().contains(partition)) {
                unchanged.add(s);
                continue;
            }
            Optional<String> as = verified.entrySet().stream()
                    .filter(e -> sameImage(e.getValue(), now, s))
                    .flatMap(e -> sameBytes(e.getKey(), partition, f.restored(), f.sinceRestore())
                            .map(how -> s + " as in " + e.getKey().name() + how).stream())
                    .findFirst();
            as.ifPresentOrElse(same::add, () -> rehash.add(s));
        }
        return new Verdict(fork.map(f -> new TreeSet<>(f.written())), rehash, unchanged, same);
    }

    /**
     * How partition {@code p} is known to hold the very bytes it holds in the verified state {@code c}'s
     * snapshot, if it is. By where the bytes came from: {@code c} was made from {@code restored} (the
     * state the device was restored from, cached) through states whose saved disks, {@code c}'s
     * included, hold no write of {@code p} of their own (each saved disk holds every write since the
     * state before it), and nothing since the restore ({@code sinceRestore}) wrote {@code p}: both
     * hold {@code restored}'s bytes. Otherwise the two are compared byte for byte.
     */
    Optional<String> sameBytes(SnapshotRecipe c, String p, Optional<SnapshotRecipe> restored, Set<String> sinceRestore) {
        if (restored.isPresent() && !sinceRestore.contains(p) && cached(restored.get())) {
            Optional<SnapshotRecipe> s = Optional.of(c);
            while (s.isPresent() && !s.get().equals(restored.get())
                    && saved.apply(s.get()).filter(SavedState::cached).filter(st -> !st.partitionsWritten().contains(p)).isPresent()) {
                s = s.get().parent();
            }
            if (s.equals(restored)) {
                return Optional.of(" (not written since " + restored.get().name() + ")");
            }
        }
        return partitionAsIn.test(c, p) ? Optional.of("") : Optional.empty();
    }

    private boolean cached(SnapshotRecipe state) {
        return saved.apply(state).filter(SavedState::cached).isPresent();
    }

    static String partition(Slot s) {
        return "slot_" + s.letter();
    }

    /** Slot {@code s} is bootable in {@code then} and names the same signed verity root there as {@code now}. */
    static boolean sameImage(StatusReply then, StatusReply now, Slot s) {
        return then.state(s).bootable() && verity(now, s).isPresent() && verity(now, s).equals(verity(then, s));
    }

    private static Optional<Sha256> verity(StatusReply st, Slot s) {
        return s == Slot.A ? st.verityA() : st.verityB();
    }

    /**
     * A device started from a snapshot: {@code restored}, the state it was restored from (empty when
     * that is not known); {@code basis}, the status of a verified state it holds every write since
     * (empty when the state it started in is not verified); {@code written}, the partitions written
     * since that state; {@code sinceRestore}, those written since the restore.
     */
    record Fork(Optional<SnapshotRecipe> restored, Optional<StatusReply> basis, Set<String> written, Set<String> sinceRestore) {
        Fork {
            written = Set.copyOf(written);
            sinceRestore = Set.copyOf(sinceRestore);
        }
    }

    /** What a check proves: the slots to re-hash, those unchanged since the basis, those the same as in a verified state. */
    record Verdict(Optional<Set<String>> written, List<Slot> rehash, List<Slot> unchanged, List<String> same) {
        /** The selfcheck that proves the rest: {@code --deep} when any bootable slot is to be re-hashed. */
        String selfcheck() {
            return rehash.isEmpty() ? Nx.SELFCHECK : Nx.DEEP;
        }

        String describe() {
            return written.map(w -> "partitions written since the restore: " + w).orElse("not forked")
                    + "; bootable slots re-hashed " + rehash + ", unchanged since their verified snapshot " + unchanged
                    + (same.isEmpty() ? "" : ", the same bytes as in a verified snapshot " + same);
        }
    }
}
