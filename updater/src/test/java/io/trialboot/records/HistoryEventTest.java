package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HistoryEventTest {
    @Test
    void theTransitionsAreTheEventsThatChangeWhichSlotBoots() {
        Set<String> transitions = Arrays.stream(HistoryEvent.values()).filter(HistoryEvent::transition)
                .map(HistoryEvent::text).collect(Collectors.toSet());
        assertEquals(Set.of("switch", "confirm", "mark-bad", "rollback"), transitions);
    }

    @Test
    void eachEventIsFoundByItsWordAndAnUnknownWordIsNot() {
        for (HistoryEvent e : HistoryEvent.values()) {
            assertEquals(Optional.of(e), HistoryEvent.of(e.text()));
        }
        assertEquals(Optional.empty(), HistoryEvent.of("factory"));
    }

    @Test
    void everyEventsWordMakesAHistoryLine() {
        for (HistoryEvent e : HistoryEvent.values()) {
            assertTrue(new HistoryEntry(1, HistoryEntry.GENESIS, e.text(), Map.of()).is(e), e.text());
        }
    }

    @Test
    void anEntryKnowsItsEventAndAnUnknownEventIsNoTransition() {
        HistoryEntry sw = new HistoryEntry(1, HistoryEntry.GENESIS, "switch", Map.of());
        assertTrue(sw.is(HistoryEvent.SWITCH));
        assertTrue(sw.isTransition());
        assertFalse(new HistoryEntry(2, new Sha256(new byte[Sha256.LENGTH]), "factory", Map.of()).isTransition());
    }

    @Test
    void fieldsKeepTheirOrderAndIntegersBecomeNumbers() {
        Map<String, Object> m = HistoryFields.of("slot", "b").and("tries", 3).and("size", 5L).and("none", null).map();
        assertEquals("[slot, tries, size, none]", m.keySet().toString());
        assertEquals(3L, m.get("tries"));
        assertEquals(5L, m.get("size"));
        assertEquals(null, m.get("none"));
    }
}
