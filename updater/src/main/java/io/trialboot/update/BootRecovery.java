package io.trialboot.update;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.BootRecord;
import io.trialboot.bootctl.SlotState;
import io.trialboot.bootctl.Stage0Refusal;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.markers.BootMode;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HistoryLog;
import io.trialboot.records.ReceiptStore;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import io.trialboot.records.UpdateReceipt;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What bootctld's start-up writes after boot control counted the boot: the transition a power cut
 * kept from the history, a stage-0 fallback, the {@code boot} line, and the {@code domain.json} and
 * floor a confirm left behind.
 *
 * <p>A switch, a confirm or a rollback commits when boot control is written; its history line
 * follows. A power cut between the two leaves the history one transition behind what the device
 * does. At the next boot this writes the missing line, marked {@code recovered}, before the boot's
 * own {@code boot} line: a trial boot control holds that the history never switched to; or the
 * confirm (the trial slot is active and good) or the rollback (the trial slot is bad) of a trial
 * the history still shows pending. A stage-0 fallback (the trial ran out of tries) is recorded as a
 * rollback, and the attempt's receipt says ROLLED_BACK. A slot stage 0 refused (docs/verified-boot.md)
 * comes first, as a {@code slot-refused} line with the code stage 0 printed; before it, the starts
 * that led to a fall-back (a trial's tries, a start loop) and never recorded their boot, as
 * {@code start-failed} lines. The {@code boot} line's {@code mode} is stage 0's: trial, normal,
 * fallback or recovery.
 */
final class BootRecovery {
    private final HostStateTree tree;
    private final Domain domain;
    private final Journal journal;
    private final ReceiptStore receipts;
    private final RollbackFloor floor;

    BootRecovery(HostStateTree tree, Journal journal, ReceiptStore receipts, RollbackFloor floor) {
        this.tree = tree;
        this.domain = tree.system();
        this.journal = journal;
        this.receipts = receipts;
        this.floor = floor;
    }

    /**
     * Records boot {@code r}, after what the history ({@code log}) misses. The history is read back
     * from the end only as far as the comparison needs ({@link BootWindow}); an edit further back is
     * found by {@code nx selfcheck}, {@code nx history} and an install's first write, which read the
     * whole chain (docs/formats.md, the reads). A log the read refuses ({@link
     * UnrecordedBoot#unreadable}) is not written: only what does not depend on it happens ({@link
     * #followConfirm}), then {@link UnrecordedBoot} says the boot is not recorded. Skipping the rest
     * is safe, as boot control, not the history, decides which slot boots: the lines a power cut kept
     * from the history are found again by comparing the two at the first boot after the repair
     * (marked {@code recovered}), and stage 0's refusal note is not taken, so that boot records it.
     * What is lost is only the detail of a fall-back or of failed starts during the boots that ran
     * unrecorded (recorded then as a rollback for an unknown reason).
     */
    void record(BootRecord r, HistoryLog log) {
        // Nothing below writes boot control: the file as recording the boot left it answers every question.
        BootControlFile bc = r.file();
        List<HistoryEntry> history;
        try {
            history = log.since(new BootWindow(r));
            journal.lastSeq(); // what an append checks too (a small log whole): the lines below do not fail on it
        } catch (TrialbootException e) {
            if (!UnrecordedBoot.unreadable(e.code())) {
                throw e;
            }
            followConfirm(bc);
            throw new UnrecordedBoot(r, e);
        }
        Optional<Stage0Refusal> refusal = Stage0Refusal.take(tree.root().getParent(), domain.writer());
        recordFailedStarts(r, refusal, history);
        refusal.ifPresent(n -> journal.append(HistoryEvent.STAGE0_REFUSED,
                HistoryFields.of("slot", n.slot()).and("code", n.code())));
        recordLostTransition(r, bc, history);
        if (r.fellBackFrom().isPresent()) {
            Slot bad = r.fellBackFrom().get();
            journal.append(HistoryEvent.ROLLBACK, HistoryFields.of("slot", bad).and("to", r.slot())
                    .and("reason", "crash-loop: trial ran out of tries").and("boot_count", r.bootCount()));
            receipts.settleTrial(bad, SwitchOutcome.ROLLED_BACK, Code.HOST_LEASE_EXPIRED, journal.lastSeq());
        }
        journal.append(HistoryEvent.BOOT, HistoryFields.of("slot", r.slot()).and("boot_count", r.bootCount())
                .and("mode", mode(r, bc, refusal).text()).and("tries_left", r.triesLeft()));
        followConfirm(bc);
    }

    /**
     * domain.json's current snapshot and the floor follow a confirm; a power cut right after it can
     * leave them behind. Boot control says what is active, so this needs no history.
     */
    private void followConfirm(BootControlFile bc) {
        domain.snapshot(bc.active()).ifPresent(s -> {
            if (!s.id().equals(domain.descriptor().currentSnapshot())) {
                domain.update(d -> d.withCurrent(s.id(), d.currentLogseq()));
            }
            floor.raise(s.version());
        });
    }

    /**
     * How stage 0 booted {@code r}: on trial; in recovery when it refused another slot than the one
     * running (not the trial it fell back from) or booted another than the active slot; after a
     * trial's fall-back; else normal.
     */
    private static BootMode mode(BootRecord r, BootControlFile bc, Optional<Stage0Refusal> refusal) {
        if (r.trial()) {
            return BootMode.TRIAL;
        }
        Optional<String> fellBack = r.fellBackFrom().map(Slot::letter);
        boolean refusedAnother = refusal.filter(n -> !n.slot().equals(r.slot().letter())
                && !fellBack.equals(Optional.of(n.slot()))).isPresent();
        if (refusedAnother || bc.active() != r.slot()) {
            return BootMode.RECOVERY;
        }
        return fellBack.isPresent() ? BootMode.FALLBACK : BootMode.NORMAL;
    }

    /**
     * The starts that led to this boot's fall-back and never came up far enough to record their
     * boot: a {@code start-failed} line each, from boot control's counters. A trial that ran out of
     * tries started its slot on each of the {@code tries} boots before this one (the switch line
     * says how many); a start loop stage 0 gave up ({@link Code#SLOT_START_LOOP}) started the
     * active slot on each of the {@link BootControlFile#MAX_FAILED_STARTS} boots before this one.
     * A boot of those with a {@code boot} line came that far and gets none.
     */
    private void recordFailedStarts(BootRecord r, Optional<Stage0Refusal> refusal, List<HistoryEntry> history) {
        Slot slot;
        BootMode mode;
        long starts;
        Optional<Stage0Refusal> loop = refusal.filter(n -> n.code().equals(Code.SLOT_START_LOOP.name()));
        if (r.fellBackFrom().isPresent()) {
            slot = r.fellBackFrom().get();
            mode = BootMode.TRIAL;
            starts = trialTries(BootWindow.lastTransition(history), slot);
        } else if (loop.isPresent()) {
            slot = Slot.parse(loop.get().slot());
            mode = BootMode.NORMAL;
            starts = BootControlFile.MAX_FAILED_STARTS;
        } else {
            return;
        }
        Set<String> recorded = new HashSet<>();
        history.stream().filter(e -> e.is(HistoryEvent.BOOT)).forEach(e -> recorded.add(e.field("boot_count")));
        for (long boot = Math.max(1, r.bootCount() - starts); boot < r.bootCount(); boot++) {
            if (!recorded.contains(Long.toString(boot))) {
                journal.append(HistoryEvent.START_FAILED, HistoryFields.of("slot", slot).and("boot_count", boot)
                        .and("mode", mode.text()).and("recorded", "at boot " + r.bootCount()));
            }
        }
    }

    /**
     * The tries of the trial of {@code slot} that fell back: its switch's, the last transition. When
     * that is not a switch to {@code slot}, a power cut kept the switch from the history, and its
     * tries were the policy's (as {@link #recoverSwitch} writes them).
     */
    private long trialTries(Optional<HistoryEntry> last, Slot slot) {
        return last.filter(e -> e.is(HistoryEvent.SWITCH) && slot.letter().equals(e.field("slot"))
                && e.field("tries") != null).map(e -> Long.parseLong(e.field("tries")))
                .orElse((long) tree.policy().trialTries());
    }

    private void recordLostTransition(BootRecord r, BootControlFile bc, List<HistoryEntry> history) {
        Optional<Slot> pending = BootWindow.pendingTrial(history);
        String recovered = "at boot " + r.bootCount() + " (a power cut came between boot control and this line)";
        if (bc.trial().isPresent()) {
            if (!pending.equals(bc.trial())) {
                recoverSwitch(bc.trial().get(), recovered);
            }
            return;
        }
        if (pending.isEmpty() || r.fellBackFrom().equals(pending)) {
            return;
        }
        Slot slot = pending.get();
        if (bc.active() == slot && bc.state(slot) == SlotState.GOOD) {
            SlotSnapshot snap = domain.snapshot(slot).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                    "slot " + slot + " was confirmed but has no snapshot record"));
            floor.raise(snap.version());
            journal.append(HistoryEvent.CONFIRM, HistoryFields.of("slot", slot).and("version", snap.version())
                    .and("floor", floor.read()).and("recovered", recovered));
            receipts.settleTrial(slot, SwitchOutcome.CONFIRMED, null, journal.lastSeq());
        } else {
            journal.append(HistoryEvent.MARK_BAD, HistoryFields.of("slot", slot).and("code", "unknown")
                    .and("why", "recovered " + recovered));
            journal.append(HistoryEvent.ROLLBACK, HistoryFields.of("slot", slot).and("to", bc.active())
                    .and("reason", "unknown").and("recovered", recovered));
            receipts.settleTrial(slot, SwitchOutcome.ROLLED_BACK, null, journal.lastSeq());
        }
    }

    private void recoverSwitch(Slot trial, String recovered) {
        Optional<UpdateReceipt> installed = receipts.list().stream()
                .filter(x -> x.installStatus() == InstallStatus.INSTALLED && x.switchOutcome() == SwitchOutcome.NOT_ATTEMPTED
                        && trial.letter().equals(x.targetSlot()))
                .reduce((a, b) -> b);
        HistoryEntry e = journal.append(HistoryEvent.SWITCH, HistoryFields.of("slot", trial)
                .and("tries", tree.policy().trialTries())
                .and("release", installed.map(UpdateReceipt::releaseId).orElse("unknown")).and("recovered", recovered));
        installed.ifPresent(x -> receipts.write(x.withSwitch(SwitchOutcome.TRIAL_SET).withReasons(List.of())
                .withLogSeq(e.seq())));
    }
}
