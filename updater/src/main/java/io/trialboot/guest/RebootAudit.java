package io.trialboot.guest;

import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.update.UpdateEngine;
import java.io.PrintStream;

/**
 * The history line of a reboot about to happen ({@code reboot by=<who>}). A history that cannot take
 * it (a full state partition, a damaged log) does not hold the reboot up: a power cycle, the only
 * other way out, is just as unrecorded, and the reboot syncs what can be synced first
 * ({@link Power#guest}). {@link Marker#REBOOT_UNRECORDED} says so instead, with the code.
 */
final class RebootAudit {
    private RebootAudit() {}

    /** Writes the reboot's line for {@code who} (healthd, nx), or prints the warning that it is not written. */
    static void write(UpdateEngine engine, String who, PrintStream console) {
        try {
            record(engine, who);
        } catch (TrialbootException e) {
            console.println(Marker.REBOOT_UNRECORDED.line(who, Marker.oneLine(e.getMessage()), e.code().name()));
        }
    }

    /**
     * Writes the reboot's line for {@code who}, or throws: for the selftest, whose reboot is part of
     * what it proves and fails when the history cannot take it.
     */
    static void record(UpdateEngine engine, String who) {
        synchronized (engine) {
            engine.audit(HistoryEvent.REBOOT, HistoryFields.of("by", who));
        }
    }
}
