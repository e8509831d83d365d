package io.trialboot.it;

import io.trialboot.harness.QemuVm;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEvent;
import java.util.List;
import java.util.Map;

/** The lines of {@code nx history} a guest printed, read back from its console. */
final class HistoryLines {
    private HistoryLines() {
    }

    /** The fields ({@code slot=b boot_count=3 ...}) of each {@code event} line printed in boot {@code boot}, in order. */
    static List<String> of(QemuVm vm, int boot, HistoryEvent event) {
        LinePattern line = LinePattern.of(Marker.HISTORY_ENTRY, "*", event.text(), ":fields");
        return vm.lines().stream().filter(l -> l.boot() == boot)
                .flatMap(l -> line.match(l.text(), Map.of()).map(m -> m.get("fields")).stream())
                .toList();
    }
}
