package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.Test;

/** The slot's JVM options that name a JDK class name the one the JDK would pick itself. */
class SlotJvmOptionsTest {
    /**
     * The named selector provider is the one {@code SelectorProvider.provider()} gives on Linux when
     * nothing names one (this JVM has no such property): naming it changes which code finds it, not
     * what is found.
     */
    @Test
    void theNamedSelectorProviderIsTheDefaultOne() {
        assertEquals(null, System.getProperty("java.nio.channels.spi.SelectorProvider"));
        assertEquals(SquashfsSlotBuilder.SELECTOR_PROVIDER, SelectorProvider.provider().getClass().getName());
        assertTrue(SquashfsSlotBuilder.JVM_OPTIONS.contains(
                "-Djava.nio.channels.spi.SelectorProvider=" + SquashfsSlotBuilder.SELECTOR_PROVIDER));
    }
}
