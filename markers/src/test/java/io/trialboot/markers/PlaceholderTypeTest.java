package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlaceholderTypeTest {
    private static final List<String> SAMPLES = List.of("", "a", "b", "c", "A", "full", "delta", "normal", "trial",
            "fallback", "recovery", "0", "00", "01", "7", "42", "2147483647", "99999999999", "-1", "1.2.3", "0.0.0",
            "01.2.3", "1.2", "1.2.3.4", "1..3", "1.2.3-rc1", "999999999.0.1", "1000000000.0.0", "HOST_OK", "_X", "X-1",
            "SIG_INVALID2", "x y", "pkg://u/x", "tab\tword", "some text", "line\nbreak");

    @Test
    void handWrittenCheckAgreesWithTheRegexForEverySample() {
        for (PlaceholderType t : PlaceholderType.values()) {
            for (String s : SAMPLES) {
                boolean regex = s.matches(t.regex());
                boolean hand = t.accepts(s);
                assertEquals(regex, hand, t + " on '" + s + "'");
            }
        }
    }

    @Test
    void findsTypesByTheirBracketName() {
        assertEquals(PlaceholderType.VER, PlaceholderType.byId("ver"));
        assertEquals(null, PlaceholderType.byId("Ver"));
    }
}
