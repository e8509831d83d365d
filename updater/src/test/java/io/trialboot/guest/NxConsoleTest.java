package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which console lines the console's JVM answers itself, and which go to the shell. */
class NxConsoleTest {

    @ParameterizedTest
    @ValueSource(strings = {"nx", "nx status", "nx history repair", "nx update apply pkg://updates/v1.1.0.nxpkg",
        "nx admit pkg://updates/admission/rotate-2", "nx receipts --json"})
    void aPlainNxCommandIsAnsweredHere(String line) {
        assertTrue(NxConsole.servedHere(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nx history | tail -3", "nx status; echo $?", "nx status && echo ok", "nx status > /tmp/s",
        "nx receipts --json 2>&1", "nx admit \"pkg://updates/admission/a b\"", "nx update apply 'x'",
        "nx status `true`", "nx status $(true)", "nx update apply pkg://updates/*.nxpkg", "nx status # why",
        "nx status &", "(nx status)", "nxstatus", "ls /state", "echo nx status"})
    void aLineWithShellSyntaxOrAnotherCommandGoesToTheShell(String line) {
        assertFalse(NxConsole.servedHere(line), line);
    }
}
