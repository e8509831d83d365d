package io.trialboot.update;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryLog;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code nx history repair}: the operator's repair of a history whose last line is torn ({@link
 * Code#LOG_TORN}, docs/operator-guide.md "When the history cannot be read"). The torn bytes are kept
 * in {@code quarantine/} as a rejected input is ({@link HostStateTree#quarantine}), then the log is
 * replaced atomically by its complete lines and a {@code repair} line, and {@code current_logseq}
 * follows it ({@link Journal#repair}). Anything else is refused with nothing written: a log that
 * reads whole ({@link Code#UPDATE_WRONG_STATE}), one whose lines do not chain ({@link
 * Code#LOG_CHAIN_BROKEN}: no repair on the device), one that cannot be read (the read's code).
 */
public final class HistoryRepair {
    /** The name the torn bytes are kept under in {@code quarantine/} (after their SHA-256). */
    static final String QUARANTINE_NAME = "history.jsonl-torn";

    private final HostStateTree tree;
    private final HistoryLog history;
    private final Journal journal;

    HistoryRepair(HostStateTree tree, HistoryLog history, Journal journal) {
        this.tree = tree;
        this.history = history;
        this.journal = journal;
    }

    /** The repair done: where the torn bytes were kept, and the {@code repair} line. */
    public record Repaired(Path kept, HistoryEntry entry) {
        public Repaired {
            Objects.requireNonNull(kept, "kept");
            Objects.requireNonNull(entry, "entry");
        }
    }

    Repaired run() {
        requireTorn();
        HistoryEntry e;
        try {
            e = journal.repair(torn -> tree.quarantine(QUARANTINE_NAME, torn)).orElseThrow(() ->
                    new TrialbootException(Code.UPDATE_WRONG_STATE, "the history is not torn: nothing to repair"));
        } catch (TrialbootException x) {
            throw refusal(x);
        }
        return new Repaired(tree.quarantine().resolve(e.field("quarantined")), e);
    }

    private void requireTorn() {
        int n;
        try {
            n = history.read().size();
        } catch (TrialbootException e) {
            if (e.code() == Code.LOG_TORN) {
                return;
            }
            throw refusal(e);
        }
        throw new TrialbootException(Code.UPDATE_WRONG_STATE, "the history is not torn (its " + n
                + " lines chain): nothing to repair, the log is left as it is");
    }

    private static TrialbootException refusal(TrialbootException e) {
        if (e.code() != Code.LOG_CHAIN_BROKEN) {
            return e;
        }
        return new TrialbootException(Code.LOG_CHAIN_BROKEN, e.detail() + " (no repair on the device: the log no"
                + " longer proves what happened; keep it, treat the device as tampered with and reprovision it;"
                + " docs/operator-guide.md, LOG_CHAIN_BROKEN)", e);
    }
}
