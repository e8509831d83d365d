package io.trialboot.update;

import io.trialboot.bootctl.BootControl;
import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.Capability;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.ReceiptStore;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The confirm and the rollback of {@link UpdateEngine}: boot control first, where the transition
 * commits, then its history lines and the attempt's receipt. A trial's confirm or rollback stands
 * whatever the history does with its lines ({@link Settled}): {@link BootRecovery} writes what was
 * lost at the first boot that can, as after a power cut between the two. A rollback without a trial
 * (back to the other release) has nothing that would recover its line, so it goes ahead only when the
 * history's end reads as an append needs it, and otherwise is refused with the log's code before
 * boot control changes.
 */
final class Settlement {
    private final Domain domain;
    private final BootControl bootControl;
    private final Journal journal;
    private final ReceiptStore receipts;
    private final RollbackFloor floor;

    Settlement(Domain domain, BootControl bootControl, Journal journal, ReceiptStore receipts, RollbackFloor floor) {
        this.domain = domain;
        this.bootControl = bootControl;
        this.journal = journal;
        this.receipts = receipts;
        this.floor = floor;
    }

    /** A history line of the transition. */
    private record Line(HistoryEvent event, HistoryFields fields) {}

    /** See {@link UpdateEngine#confirm()}. */
    Settled confirm() {
        domain.require(Capability.PUBLISH_SNAPSHOT, "confirm");
        BootControlFile after = bootControl.confirm();
        Slot slot = after.active();
        SlotSnapshot snap = domain.snapshot(slot).orElseThrow(() -> new TrialbootException(Code.HOST_NOT_FOUND,
                "slot " + slot + " was confirmed but has no snapshot record"));
        floor.raise(snap.version());
        domain.update(d -> d.withCurrent(snap.id(), d.currentLogseq()));
        return record(UpdateEngine.Outcome.CONFIRMED, slot, List.of(new Line(HistoryEvent.CONFIRM,
                HistoryFields.of("slot", slot).and("version", snap.version()).and("floor", floor.read()))),
                seq -> receipts.settleTrial(slot, SwitchOutcome.CONFIRMED, null, seq));
    }

    /** See {@link UpdateEngine#rollback}. */
    Settled rollback(Code reason, String why) {
        domain.require(Capability.PUBLISH_SNAPSHOT, "rollback");
        BootControlFile before = bootControl.read();
        if (before.trial().isEmpty()) {
            floor.requireRollbackTo(before.active().other(), domain.snapshot(before.active().other()));
            journal.lastSeq(); // the history's end as an append reads it, before boot control moves
            Slot next = bootControl.rollback();
            domain.snapshot(next).ifPresent(s -> domain.update(d -> d.withCurrent(s.id(), d.currentLogseq())));
            journal.append(HistoryEvent.ROLLBACK, HistoryFields.of("slot", before.active()).and("to", next)
                    .and("reason", reason));
            return new Settled(UpdateEngine.Outcome.ROLLED_BACK, next, Optional.empty());
        }
        Slot next = bootControl.rollback();
        Slot bad = before.trial().get();
        return record(UpdateEngine.Outcome.ROLLED_BACK, next, List.of(
                new Line(HistoryEvent.MARK_BAD, HistoryFields.of("slot", bad).and("code", reason).and("why", why)),
                new Line(HistoryEvent.ROLLBACK, HistoryFields.of("slot", bad).and("to", next).and("reason", reason))),
                seq -> receipts.settleTrial(bad, SwitchOutcome.ROLLED_BACK, reason, seq));
    }

    /**
     * Writes a committed transition's {@code lines}, then its receipt with the last line's seq. A
     * failure stops the writing and is reported with what was left, never thrown: the transition
     * has happened.
     */
    private Settled record(UpdateEngine.Outcome outcome, Slot next, List<Line> lines, LongConsumer receipt) {
        int written = 0;
        try {
            for (Line l : lines) {
                journal.append(l.event(), l.fields());
                written++;
            }
            receipt.accept(journal.lastSeq());
            return new Settled(outcome, next, Optional.empty());
        } catch (TrialbootException e) {
            List<String> left = new ArrayList<>();
            for (Line l : lines.subList(written, lines.size())) {
                left.add(l.event().text());
            }
            left.add("the attempt's receipt");
            return new Settled(outcome, next, Optional.of(new Settled.Unrecorded(left, e)));
        }
    }
}
