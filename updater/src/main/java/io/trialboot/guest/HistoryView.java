package io.trialboot.guest;

import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import java.util.Map;

/** History entries as console lines: {@code history: #<seq> <event> key=value ...} (no hash, no time). */
final class HistoryView {
    private HistoryView() {}

    static String line(HistoryEntry e) {
        StringBuilder fields = new StringBuilder();
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            if (f.getKey().equals("at")) {
                continue; // wall clock: for people reading the log, never part of what the device decides
            }
            if (fields.length() > 0) {
                fields.append(' ');
            }
            String v = Marker.oneLine(String.valueOf(f.getValue()));
            fields.append(f.getKey()).append('=').append(v.isEmpty() ? "\"\"" : v);
        }
        return Marker.HISTORY_ENTRY.line(e.seq(), e.event(), fields.length() == 0 ? "-" : fields.toString());
    }
}
