package io.trialboot.update;

import io.trialboot.core.Code;
import io.trialboot.hoststate.Capability;
import io.trialboot.hoststate.Domain;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HistoryLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The engine's history writer: a line is written only while the domain may append to its log; it
 * gets the wall clock as {@code at} (recorded, never compared) and advances {@code domain.json}'s
 * {@code current_logseq}.
 */
final class Journal {
    private final Domain domain;
    private final HistoryLog history;
    private final Clock clock;

    Journal(Domain domain, HistoryLog history, Clock clock) {
        this.domain = domain;
        this.history = history;
        this.clock = clock;
    }

    /** Whether the domain may append (a suspended or revoked one keeps its history as it was). */
    boolean open() {
        return domain.check(Capability.APPEND_LOG) == Code.HOST_OK;
    }

    /**
     * Reads the history whole and checks its chain ({@code LOG_CHAIN_BROKEN}, {@code LOG_TORN}, ...):
     * an append and bootctld's start-up read only the log's end, so an install, whose first write
     * comes after this, is refused on a log broken anywhere, with nothing written (docs/formats.md).
     */
    void requireWhole() {
        history.read();
    }

    HistoryEntry append(HistoryEvent event, HistoryFields fields) {
        domain.require(Capability.APPEND_LOG, "recording '" + event.text() + "'");
        Map<String, Object> m = new LinkedHashMap<>(fields.map());
        // ISO 8601 in UTC through OffsetDateTime's own toString, not Instant's: that builds the JDK's
        // DateTimeFormatter tables, about 0.1 s of CPU at every boot under emulation (docs/benchmarks.md, "Boot").
        m.put("at", now());
        HistoryEntry e = history.append(event.text(), m);
        domain.update(d -> d.withCurrent(d.currentSnapshot(), e.seq()));
        return e;
    }

    /**
     * The operator's repair of a torn log ({@link HistoryLog#setTornTailAside}): its {@code repair}
     * line written with the cut, then {@code current_logseq} advanced to it as for any line. Empty
     * when the log had no torn tail.
     */
    Optional<HistoryEntry> repair(Function<byte[], Path> quarantine) {
        domain.require(Capability.APPEND_LOG, "recording '" + HistoryEvent.REPAIR.text() + "'");
        Optional<HistoryEntry> e = history.setTornTailAside(quarantine, Map.of("at", now()));
        e.ifPresent(r -> domain.update(d -> d.withCurrent(d.currentSnapshot(), r.seq())));
        return e;
    }

    private String now() {
        return clock.instant().atOffset(ZoneOffset.UTC).toString();
    }

    long lastSeq() {
        return history.lastSeq();
    }
}
