package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TimeoutScaleTest {
    private static Properties props(String value) {
        Properties p = new Properties();
        if (value != null) p.setProperty(TimeoutScale.PROPERTY, value);
        return p;
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        TimeoutScale s = TimeoutScale.resolve(props("2.5"), Map.of(TimeoutScale.ENV, "4"));
        assertEquals(2.5, s.factor());
        assertEquals("2.5 (system property trialboot.timeoutScale)", s.toString());
    }

    @Test
    void environmentIsUsedWithoutProperty() {
        assertEquals(4.0, TimeoutScale.resolve(props(null), Map.of(TimeoutScale.ENV, " 4 ")).factor());
    }

    @Test
    void defaultsToOne() {
        assertEquals(TimeoutScale.DEFAULT, TimeoutScale.resolve(props(null), Map.of()));
    }

    @Test
    void scalesDurations() {
        assertEquals(Duration.ofMillis(4500), new TimeoutScale(1.5, "test").scale(Duration.ofSeconds(3)));
    }

    @Test
    void rejectsNonPositiveOrGarbageWithConfigInvalid() {
        HarnessException zero = assertThrows(HarnessException.class, () -> TimeoutScale.resolve(props("0"), Map.of()));
        assertEquals(HarnessCode.CONFIG_INVALID, zero.code());
        HarnessException word = assertThrows(HarnessException.class,
                () -> TimeoutScale.resolve(props(null), Map.of(TimeoutScale.ENV, "fast")));
        assertEquals(HarnessCode.CONFIG_INVALID, word.code());
        assertTrue(word.getMessage().startsWith("CONFIG_INVALID: timeout scale must be a positive number, got 'fast'"), word.getMessage());
        assertThrows(HarnessException.class, () -> new TimeoutScale(Double.NaN, "test"));
        assertThrows(HarnessException.class, () -> new TimeoutScale(Double.POSITIVE_INFINITY, "test"));
    }
}
