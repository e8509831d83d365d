package io.trialboot.markers.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractException;
import java.nio.charset.StandardCharsets;

/**
 * {@link Contract#parse}, the contract-file parser behind {@code markers check} and the harness:
 * it returns a contract with at least one step or throws {@link ContractException} with a code.
 * Anything else (a JDK exception, an {@code Error}, a hang) escapes to Jazzer and is a finding.
 * Seeds: the built-in contracts ({@code markers/contracts/}, mapped into this test's inputs
 * directory by the module pom), plus findings in {@code src/test/resources}.
 */
class ContractFuzzTest {
    @FuzzTest
    void parse(byte[] input) {
        Contract c;
        try {
            c = Contract.parse("fuzz", new String(input, StandardCharsets.UTF_8));
        } catch (ContractException e) {
            assertNotNull(e.code(), "a ContractException without a code");
            return;
        }
        assertFalse(c.steps().isEmpty(), "a contract without steps was accepted");
    }
}
