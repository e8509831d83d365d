package io.trialboot.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A keyboard that is no terminal (Surefire's forked JVM reads a pipe) is left alone, without a word. */
class TtyTest {
    @Test
    void aPipeIsNotATerminalAndNothingIsPrinted() {
        assertEquals(Tty.Raw.NOT_A_TERMINAL, Tty.raw());
    }
}
