package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContractTest {
    private static ContractException parseError(String text) {
        return assertThrows(ContractException.class, () -> Contract.parse("t", text));
    }

    private static void assertError(ContractException.Code code, int line, String messageStart, String text) {
        ContractException e = parseError(text);
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void parsesStepsBootsTimeoutsAndForbiddenEntries() {
        Contract c = Contract.parse("demo", """
                # a comment
                forbid contains "Kernel panic"
                forbid SELFTEST_FAIL

                boot 1
                expect 90s STAGE0_BOOT a normal * :n
                  expect 1500ms "nx: console ready"
                boot 3
                expect 2m STAGE0_BOOT * * * =n+2
                """);
        assertEquals("demo", c.name());
        assertEquals(3, c.steps().size());
        Step s1 = c.steps().get(0);
        assertEquals(1, s1.number());
        assertEquals(1, s1.boot());
        assertEquals(Duration.ofSeconds(90), s1.timeout());
        assertEquals(6, s1.sourceLine());
        assertEquals("STAGE0_BOOT a normal * :n", s1.pattern().source());
        assertEquals(Map.of("n", "int"), s1.pattern().captureTypes());
        assertEquals(Duration.ofMillis(1500), c.steps().get(1).timeout());
        assertEquals("\"nx: console ready\"", c.steps().get(1).pattern().source());
        assertEquals(3, c.steps().get(2).boot());
        assertEquals(Duration.ofMinutes(2), c.steps().get(2).timeout());
        assertEquals(Map.of("n", 2L), c.steps().get(2).pattern().references());
        assertEquals(3, c.lastBoot());
        assertEquals(2, c.forbidden().size());
        assertTrue(c.forbidden().get(0).anywhere());
        assertTrue(c.forbidden().get(0).matches("[   12.345678] Kernel panic - not syncing: VFS"));
        assertFalse(c.forbidden().get(1).anywhere());
        assertTrue(c.forbidden().get(1).matches("SELFTEST: ota stage FAIL"));
        assertFalse(c.forbidden().get(1).matches("SELFTEST: ota stage ok"));
    }

    @Test
    void quotedArgumentIsAlwaysALiteralValue() {
        Contract c = Contract.parse("q", "boot 1\nexpect 5s UPDATE_REJECTED MALFORMED_INPUT \":x\"\nexpect 5s SELFTEST_FAIL \"ota stage\"\n");
        Step s = c.steps().get(0);
        assertEquals(Map.of(), s.pattern().captureTypes());
        assertEquals("UPDATE_REJECTED MALFORMED_INPUT \":x\"", s.pattern().source());
        assertTrue(s.pattern().match("update: rejected code=MALFORMED_INPUT input=:x", Map.of()).isPresent());
        assertTrue(c.steps().get(1).pattern().match("SELFTEST: ota stage FAIL", Map.of()).isPresent());
        assertError(ContractException.Code.CONTRACT_SYNTAX, 2, "contract 't' line 2: argument 1 of BUNDLEMGRD_SLOT_ACTIVE: '*' is not a <slot>",
                "boot 1\nexpect 5s BUNDLEMGRD_SLOT_ACTIVE \"*\"\n");
    }

    @Test
    void acceptsCrLfLineEnds() {
        Contract c = Contract.parse("crlf", "boot 1\r\nexpect 5s UPDATED_READY\r\n");
        assertEquals(1, c.steps().size());
    }

    /** A malformed contract is refused with its code, the line it is on, and a message naming what is wrong there. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedContracts")
    void rejectsAMalformedContractWithItsCodeLineAndMessage(String what, ContractException.Code code, int line,
            String messageStart, String text) {
        assertError(code, line, messageStart, text);
    }

    private static Stream<Arguments> malformedContracts() {
        ContractException.Code syntax = ContractException.Code.CONTRACT_SYNTAX;
        ContractException.Code reference = ContractException.Code.CONTRACT_BAD_REFERENCE;
        Stream<Arguments> timeouts = Stream.of("0s", "90", "1.5s", "10h", "-1s", "\"5s\"").map(t -> arguments(
                "timeout " + t, syntax, 2, "contract 't' line 2: timeout '", "boot 1\nexpect " + t + " UPDATED_READY\n"));
        Stream<Arguments> rest = Stream.of(
                arguments("an unknown directive", syntax, 3, "contract 't' line 3: unknown directive 'wait'",
                        "boot 1\nexpect 1s UPDATED_READY\nwait 1s UPDATED_READY\n"),
                arguments("a step before any boot", syntax, 2, "contract 't' line 2: 'expect' before any 'boot N' line",
                        "# x\nexpect 1s UPDATED_READY\n"),
                arguments("a boot going back", syntax, 3, "contract 't' line 3: boot 1 after boot 2",
                        "boot 2\nexpect 1s UPDATED_READY\nboot 1\n"),
                arguments("boot 0", syntax, 1, "contract 't' line 1: expected 'boot N'", "boot 0\n"),
                arguments("boot one", syntax, 1, "contract 't' line 1: expected 'boot N'", "boot one\n"),
                arguments("an unknown marker name", ContractException.Code.CONTRACT_UNKNOWN_MARKER, 2,
                        "contract 't' line 2: no marker 'UPDATED_REDY'", "boot 1\nexpect 5s UPDATED_REDY\n"),
                arguments("an unquoted line", syntax, 2,
                        "contract 't' line 2: 'updated:' is neither a catalog marker name nor a quoted line",
                        "boot 1\nexpect 5s updated: ready\n"),
                arguments("a literal argument of the wrong type", syntax, 2,
                        "contract 't' line 2: argument 1 of BUNDLEMGRD_SLOT_ACTIVE: 'c' is not a <slot>",
                        "boot 1\nexpect 5s BUNDLEMGRD_SLOT_ACTIVE c\n"),
                arguments("too few arguments", syntax, 2,
                        "contract 't' line 2: STAGE0_BOOT ('" + Marker.STAGE0_BOOT.template() + "') takes 4 argument(s), got 2",
                        "boot 1\nexpect 5s STAGE0_BOOT a normal\n"),
                arguments("an unknown placeholder type", syntax, 2,
                        "contract 't' line 2: unknown placeholder type 'number' at pattern column 6",
                        "boot 1\nexpect 5s \"boot=<number>\"\n"),
                arguments("an unclosed placeholder", syntax, 2, "contract 't' line 2: unclosed placeholder at pattern column 5",
                        "boot 1\nexpect 5s \"a b <int\"\n"),
                arguments("a capture name in capitals", syntax, 2, "contract 't' line 2: capture name 'N' in placeholder <int:N>",
                        "boot 1\nexpect 5s \"x <int:N>\"\n"),
                arguments("a placeholder that is not a reference", syntax, 2,
                        "contract 't' line 2: placeholder <=n*2> at pattern column 3 is not a reference",
                        "boot 1\nexpect 5s \"x <=n*2>\"\n"),
                arguments("an unterminated quoted line", syntax, 2,
                        "contract 't' line 2: unterminated quoted string starting at column 11",
                        "boot 1\nexpect 5s \"updated: ready\n"),
                arguments("a bad escape", syntax, 2, "contract 't' line 2: bad escape at column 13",
                        "boot 1\nexpect 5s \"a\\nb\"\n"),
                arguments("text after the quoted line", syntax, 2, "contract 't' line 2: unexpected 'x' after the quoted line",
                        "boot 1\nexpect 5s \"updated: ready\" x\n"),
                arguments("a reference to a later capture", reference, 2,
                        "contract 't' line 2 (step 1): 'n' is not captured by an earlier step",
                        "boot 1\nexpect 5s STAGE0_BOOT a normal * =n+1\nexpect 5s STAGE0_BOOT a normal * :n\n"),
                arguments("a reference in the capturing line", reference, 2,
                        "contract 't' line 2 (step 1): 'n' is not captured by an earlier step",
                        "boot 1\nexpect 5s \"x <int:n> <=n>\"\n"),
                arguments("a capture made twice", reference, 3, "contract 't' line 3 (step 2): 'n' is captured twice",
                        "boot 1\nexpect 5s STAGE0_BOOT a normal * :n\nexpect 5s UPDATES_FEED_LOADED :n\n"),
                arguments("arithmetic on a slot", reference, 3,
                        "contract 't' line 3 (step 2): arithmetic on 's', which is a <slot>, not an <int>",
                        "boot 1\nexpect 5s BUNDLEMGRD_SLOT_ACTIVE :s\nexpect 5s \"x <=s+1>\"\n"),
                arguments("a forbidden entry that captures", syntax, 1,
                        "contract 't' line 1: a forbidden pattern cannot capture or refer to captures",
                        "forbid \"SELFTEST: <text:what> FAIL\"\nboot 1\nexpect 1s UPDATED_READY\n"),
                arguments("a forbidden entry without its pattern", syntax, 1, "contract 't' line 1: expected 'forbid MARKER",
                        "forbid contains\n"));
        return Stream.concat(rest, timeouts);
    }

    @Test
    void rejectsContractWithoutSteps() {
        ContractException e = parseError("# nothing\nforbid SELFTEST_FAIL\nboot 1\n");
        assertEquals(ContractException.Code.CONTRACT_INVALID, e.code());
        assertTrue(e.getMessage().startsWith("CONTRACT_INVALID: contract 't' has no steps"), e.getMessage());
    }

    @Test
    void loadsAFileNamedByItsFileName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("smoke.contract");
        Files.writeString(f, "boot 1\nexpect 5s UPDATED_READY\n");
        assertEquals("smoke", Contract.load(f).name());
        ContractException e = assertThrows(ContractException.class, () -> Contract.load(dir.resolve("nope.contract")));
        assertEquals(ContractException.Code.CONTRACT_NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("CONTRACT_NOT_FOUND: no such contract file: "), e.getMessage());
    }

    @Test
    void aContractFileOverTheLimitIsRefusedUnread(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.contract");
        byte[] head = "boot 1\nexpect 5s UPDATED_READY\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var out = Files.newOutputStream(f)) {
            out.write(head);
            out.write(new byte[Contract.MAX_FILE_BYTES]);
        }
        ContractException e = assertThrows(ContractException.class, () -> Contract.load(f));
        assertEquals(ContractException.Code.CONTRACT_INVALID, e.code());
        assertEquals("CONTRACT_INVALID: contract file " + f + " is " + (Contract.MAX_FILE_BYTES + head.length)
                + " bytes; a contract is at most " + Contract.MAX_FILE_BYTES + " bytes", e.getMessage());
    }

    @Test
    void builtInContractsParse() {
        Contract first = Contract.builtIn("first-boot");
        assertEquals(4, first.steps().size());
        assertEquals(Duration.ofSeconds(90), first.steps().get(0).timeout());
        assertEquals(3, first.forbidden().size());
        Contract cycle = Contract.builtIn("reboot-cycle");
        assertEquals(9, cycle.steps().size());
        assertEquals(2, cycle.lastBoot());
        assertEquals(Map.of("boots", 1L), cycle.steps().get(5).pattern().references());
    }

    @Test
    void unknownBuiltInIsNotFound() {
        ContractException e = assertThrows(ContractException.class, () -> Contract.builtIn("ota-cycle-typo"));
        assertEquals(ContractException.Code.CONTRACT_NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("CONTRACT_NOT_FOUND: no built-in contract 'ota-cycle-typo'"), e.getMessage());
        assertEquals(ContractException.Code.CONTRACT_NOT_FOUND,
                assertThrows(ContractException.class, () -> Contract.builtIn("../etc/passwd")).code());
    }
}
