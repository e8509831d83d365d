package io.trialboot.update;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import io.trialboot.device.SlotVerity;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryLog;
import io.trialboot.records.HostStatus;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code nx selfcheck}: the state tree, trust store, boot control, history chain, {@code domain.json}
 * and each bootable slot's snapshot record are checked (with {@code deep}, each such slot is
 * read back whole too: one whose image carries a dm-verity tree through it ({@link SlotVerity}: the
 * root hash recomputed from its data is the signed one, {@code VERITY_ROOT_MISMATCH}, and the tree
 * on the slot is that data's, {@code VERITY_TREE_MISMATCH}), one without re-hashed against its
 * recorded digest), and the result is written as the next {@code host_status_<n>.json}.
 */
final class Selfcheck {
    private final HostStateTree tree;
    private final Domain domain;
    private final BootControl bootControl;
    private final HistoryLog history;
    private final SlotDevices slots;
    private final String buildId;

    Selfcheck(HostStateTree tree, BootControl bootControl, HistoryLog history, SlotDevices slots, String buildId) {
        this.tree = tree;
        this.domain = tree.system();
        this.bootControl = bootControl;
        this.history = history;
        this.slots = slots;
        this.buildId = buildId;
    }

    HostStatus run(boolean deep) {
        List<String> failures = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (String m : tree.missing()) {
            failures.add("state tree: missing " + m);
        }
        checkTrustStore(failures);
        BootControlFile bc = null;
        try {
            bc = bootControl.read();
        } catch (TrialbootException e) {
            failures.add("boot control: " + e.getMessage());
        }
        checkHistory(bc, failures);
        if (bc != null) {
            for (Slot slot : Slot.values()) {
                if (bc.state(slot).bootable()) {
                    checkSlot(bc, slot, deep, failures, checked);
                }
            }
        }
        long n = HostStatus.latest(tree.statusDir())
                .map(p -> Long.parseLong(p.getFileName().toString().replaceAll("\\D", "")) + 1).orElse(1L);
        HostStatus status = new HostStatus(n, buildId, failures, checked);
        status.write(tree.statusDir(), tree.writer());
        return status;
    }

    private void checkTrustStore(List<String> failures) {
        try (var s = Files.list(tree.trustedRoots())) {
            if (s.findAny().isEmpty()) {
                failures.add("trust store: " + tree.trustedRoots() + " holds no root key");
            }
        } catch (IOException e) {
            failures.add("trust store: cannot read " + tree.trustedRoots() + ": " + IoFailure.reason(e));
        }
    }

    /** The chain, the last transition against boot control, and domain.json's last sequence number. */
    private void checkHistory(BootControlFile bc, List<String> failures) {
        long lastSeq = -1;
        try {
            List<HistoryEntry> entries = history.read();
            lastSeq = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
            Optional<Slot> pending = BootWindow.pendingTrial(entries);
            if (bc != null && !pending.equals(bc.trial())) {
                failures.add("history: boot control has " + bc.trial().map(t -> "slot " + t + " on trial").orElse("no trial")
                        + " but the history (its last transition, or a boot after it) says "
                        + pending.map(t -> "slot " + t + " is on trial").orElse("none is pending"));
            }
        } catch (TrialbootException e) {
            failures.add("log chain: " + e.getMessage());
        }
        try {
            long seq = domain.descriptor().currentLogseq();
            if (lastSeq >= 0 && seq != lastSeq) {
                failures.add("domain.json: current_logseq is " + seq + " but the log ends at " + lastSeq);
            }
        } catch (TrialbootException e) {
            failures.add("domain.json: " + e.getMessage());
        }
    }

    private void checkSlot(BootControlFile bc, Slot slot, boolean deep, List<String> failures, List<String> checked) {
        Optional<SlotSnapshot> snap;
        try {
            snap = domain.snapshot(slot);
        } catch (TrialbootException e) {
            failures.add("slot " + slot + ": " + e.getMessage());
            return;
        }
        if (snap.isEmpty()) {
            failures.add("slot " + slot + ": " + bc.state(slot).text() + " but its digest is unknown"
                    + " (no snapshot record)");
            return;
        }
        // a tree right after the data is checked through it; the image is re-hashed otherwise
        Optional<VerityParams> verity = snap.get().verity().filter(v -> v.treeOffset() == v.dataSize());
        if (deep) {
            try (BlockDevice dev = slots.open(slot, false)) {
                if (verity.isPresent()) {
                    SlotVerity.verify(dev, verity.get());
                } else {
                    SlotDigests.verify(dev, new SlotImage(snap.get().imageDigest(), snap.get().imageSize()));
                }
            } catch (TrialbootException e) {
                failures.add("slot " + slot + ": " + e.getMessage());
                return;
            }
        }
        checked.add("slot " + slot + ": " + snap.get().verity().map(v -> "verity root hash " + v.rootHash().hex()
                + (deep && verity.isPresent() ? ", recomputed from the slot's data: equal" : " (signed)"))
                .orElse("no verity root hash (its image carries no tree)"));
    }
}
