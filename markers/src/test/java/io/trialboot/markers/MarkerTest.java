package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MarkerTest {
    /** The texts SPEC §6 requires, verbatim. */
    private static final Set<String> SPEC_TEXTS = Set.of(
            "bootctld: ready",
            "updated: ready",
            "bundlemgrd: slot <slot> active",
            "updates: feed loaded items=<int>",
            "update: manifest ok ver=<ver> signer=<word>",
            "update: apply ok slot=<slot> kind=<kind>",
            "update: await confirm",
            "health: trial ok -> confirm",
            "init: health ok (slot <slot>)",
            "health: fail -> rollback",
            "SELFTEST: ota stage ok",
            "SELFTEST: ota switch ok",
            "SELFTEST: update apply ok",
            "SELFTEST: update confirm ok",
            "SELFTEST: update rollback ok",
            "SELFTEST: ota rollback ok");

    @Test
    void catalogHoldsEverySpecText() {
        Set<String> templates = Arrays.stream(Marker.values()).map(Marker::template).collect(Collectors.toSet());
        for (String text : SPEC_TEXTS) {
            assertTrue(templates.contains(text), "missing from the catalog: " + text);
        }
    }

    @Test
    void templatesAreDistinct() {
        assertEquals(Marker.values().length,
                Arrays.stream(Marker.values()).map(Marker::template).distinct().count());
    }

    @Test
    void rendersTheExactLine() {
        assertEquals("stage0: boot slot=b mode=trial tries_left=2 boot=7", Marker.STAGE0_BOOT.line("b", "trial", 2, 7));
        assertEquals("update: manifest ok ver=1.2.3 signer=3f9a01b2c4d5e6f7",
                Marker.UPDATE_MANIFEST_OK.line("1.2.3", "3f9a01b2c4d5e6f7"));
        assertEquals("init: health ok (slot a)", Marker.INIT_HEALTH_OK.line("a"));
        assertEquals("update: rejected code=HOST_INPUT_OVERSIZE input=pkg://updates/big.nxm",
                Marker.UPDATE_REJECTED.line("HOST_INPUT_OVERSIZE", "pkg://updates/big.nxm"));
        assertEquals("updated: ready", Marker.UPDATED_READY.line());
    }

    @Test
    void rendersValuesThroughToString() {
        Object slot = new Object() {
            @Override
            public String toString() {
                return "b";
            }
        };
        assertEquals("bundlemgrd: slot b active", Marker.BUNDLEMGRD_SLOT_ACTIVE.line(slot));
    }

    @Test
    void rejectsValueOfTheWrongType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Marker.STAGE0_BOOT.line("c", "normal", 3, 1));
        assertEquals("STAGE0_BOOT: value 1 'c' is not a <slot> in '" + Marker.STAGE0_BOOT.template() + "'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Marker.STAGE0_BOOT.line("a", "normal", -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Marker.STAGE0_BOOT.line("a", "normal", "01", 1));
        assertThrows(IllegalArgumentException.class, () -> Marker.STAGE0_BOOT.line("a", "weird", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Marker.UPDATE_APPLY_OK.line("a", "patch"));
        assertThrows(IllegalArgumentException.class, () -> Marker.UPDATE_MANIFEST_OK.line("1.2", "k"));
        assertThrows(IllegalArgumentException.class, () -> Marker.UPDATE_MANIFEST_OK.line("1.2.3", "two words"));
        assertThrows(IllegalArgumentException.class, () -> Marker.UPDATE_REJECTED.line("lower_case", "x"));
        assertThrows(IllegalArgumentException.class, () -> Marker.SELFTEST_FAIL.line("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> Marker.SELFTEST_FAIL.line(""));
    }

    @Test
    void printfFormatRendersTheSameLine() {
        assertEquals("stage0: boot slot=%s mode=%s tries_left=%s boot=%s", Marker.STAGE0_BOOT.printfFormat());
        for (Marker m : Marker.values()) {
            Object[] values = sampleValues(m);
            assertEquals(m.line(values), String.format(m.printfFormat(), values), m.name());
        }
    }

    @Test
    void rejectsWrongValueCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Marker.BUNDLEMGRD_SLOT_ACTIVE.line());
        assertEquals("BUNDLEMGRD_SLOT_ACTIVE takes 1 value(s) for 'bundlemgrd: slot <slot> active', got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Marker.UPDATED_READY.line("extra"));
    }

    @Test
    void oneLineMakesAMessageWithLineBreaksOneTextValue() {
        String message = "HOST_IO_ERROR: write failed:\r\nNo space left on device\n";
        assertThrows(IllegalArgumentException.class, () -> Marker.GUEST_NO_TRUST.line(message));
        assertEquals("guest: no trust: HOST_IO_ERROR: write failed:  No space left on device ",
                Marker.GUEST_NO_TRUST.line(Marker.oneLine(message)));
    }

    @Test
    void oneLineWritesEveryOtherControlCharacterAsAnEscape() {
        String hostile = "MALFORMED_INPUT: '\u001b]0;owned\u0007\u001b[2J' \u0000\u007f\u0085\u2028 t\u00e9st \\x";
        assertEquals("MALFORMED_INPUT: '\\x1b]0;owned\\x07\\x1b[2J' \\x00\\x7f\\x85\\u2028 t\u00e9st \\x",
                Marker.oneLine(hostile), "printable text, non-ASCII letters and backslashes stay as they are");
        String plain = "HOST_NOT_FOUND: no such file: /media/updates/x.nxm";
        assertSame(plain, Marker.oneLine(plain), "a text without control characters is not copied");
    }

    @Test
    void everyRenderedLineMatchesItsOwnTemplate() {
        for (Marker m : Marker.values()) {
            assertTrue(LinePattern.of(m).match(m.line(sampleValues(m)), java.util.Map.of()).isPresent(), m.name());
        }
    }

    private static Object[] sampleValues(Marker m) {
        Object[] values = new Object[m.placeholderCount()];
        for (int k = 0; k < values.length; k++) {
            values[k] = switch (m.type(k)) {
                case SLOT -> "a";
                case KIND -> "delta";
                case MODE -> "fallback";
                case INT -> 42;
                case VER -> "10.0.1";
                case CODE -> "SIG_INVALID";
                case WORD -> "pkg://updates/x%20y";
                case TEXT -> "ota stage 100%";
            };
        }
        return values;
    }
}
