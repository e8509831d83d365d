package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.markers.Marker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the campaign reads from {@code nx history}: its lines are HISTORY_ENTRY markers, numbered from 1. */
class NxTest {
    private static final String BOOT = Marker.HISTORY_ENTRY.line(1, "boot", "slot=a boot_count=1 mode=normal tries_left=0");
    private static final String APPLY = Marker.HISTORY_ENTRY.line(2, "apply", "release=rel-1.1.0@5e7d6fe3b259 slot=b kind=full");
    private static final String SWITCH = Marker.HISTORY_ENTRY.line(3, "switch", "release=rel-1.1.0@5e7d6fe3b259 slot=b");

    @Test
    void readsTheEventsInOrderAndThoseAddedAfterALaterRead() {
        assertEquals(List.of("boot", "apply", "switch"), Nx.events(List.of(BOOT, APPLY, SWITCH)));
        assertEquals(List.of("switch"), Nx.added(List.of(BOOT, APPLY), List.of(BOOT, APPLY, SWITCH)));
        assertEquals(List.of("boot"), Nx.events(List.of(BOOT, "trialboot# nx history")), "a line that is no entry has no event");
    }

    @Test
    void findsTheFirstLineThatIsNotTheNextNumberOrNoEntry() {
        assertEquals(Optional.empty(), Nx.misnumbered(List.of(BOOT, APPLY, SWITCH)));
        assertEquals(Optional.of("history line 2 is '" + SWITCH + "'"), Nx.misnumbered(List.of(BOOT, SWITCH)));
        assertEquals(Optional.of("history line 2 is 'history: #2'"), Nx.misnumbered(List.of(BOOT, "history: #2")));
    }
}
