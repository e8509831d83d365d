package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinePatternTest {
    @Test
    void typedPlaceholdersMatchOnlyTheirValues() {
        LinePattern p = LinePattern.parse("update: apply ok slot=<slot> kind=<kind>");
        assertTrue(p.match("update: apply ok slot=b kind=delta", Map.of()).isPresent());
        assertFalse(p.match("update: apply ok slot=c kind=delta", Map.of()).isPresent());
        assertFalse(p.match("update: apply ok slot=b kind=patch", Map.of()).isPresent());
        assertFalse(p.match("xupdate: apply ok slot=b kind=delta", Map.of()).isPresent(), "whole line only");
        assertTrue(p.match("update: apply ok slot=b kind=delta \r", Map.of()).isPresent(), "trailing blanks ignored");
    }

    @Test
    void trailingBlanksOfThePatternAreIgnoredLikeThoseOfTheLine() {
        LinePattern prompt = LinePattern.parse("~ # ");
        assertTrue(prompt.match("~ #", Map.of()).isPresent());
        assertTrue(prompt.match("~ #   ", Map.of()).isPresent());
        assertTrue(prompt.match("~ ", Map.of()).isEmpty());
        LinePattern held = LinePattern.parse("boot=<int>  ");
        assertTrue(held.match("boot=3 ", Map.of()).isPresent());
    }

    @Test
    void regexCharactersInLiteralTextAreLiteral() {
        LinePattern p = LinePattern.parse("init: health ok (slot <slot>) [.*]");
        assertTrue(p.match("init: health ok (slot a) [.*]", Map.of()).isPresent());
        assertFalse(p.match("init: health ok (slot a) [xx]", Map.of()).isPresent());
    }

    @Test
    void doubledAngleBracketIsALiteral() {
        LinePattern p = LinePattern.parse("a <<b> <int>");
        assertTrue(p.match("a <b> 3", Map.of()).isPresent());
        assertEquals("a <b> <int>", p.describe(Map.of()));
    }

    @Test
    void capturesNamedValues() {
        LinePattern p = LinePattern.parse("stage0: boot slot=<slot:s> mode=<mode> tries_left=<int> boot=<int:n>");
        assertEquals(Optional.of(Map.of("s", "b", "n", "12")),
                p.match("stage0: boot slot=b mode=trial tries_left=2 boot=12", Map.of()));
    }

    @Test
    void referenceRequiresTheCapturedValuePlusOffset() {
        LinePattern p = LinePattern.parse("boot=<=n+1> slot=<=s>");
        Map<String, String> known = Map.of("n", "4", "s", "a");
        assertTrue(p.match("boot=5 slot=a", known).isPresent());
        assertFalse(p.match("boot=4 slot=a", known).isPresent());
        assertFalse(p.match("boot=6 slot=a", known).isPresent());
        assertFalse(p.match("boot=5 slot=b", known).isPresent());
        assertTrue(p.match("boot=10 slot=a", Map.of("n", "9", "s", "a")).isPresent(), "recompiled for new values");
        assertEquals("boot=5 slot=a", p.describe(known));
        assertEquals("boot=<=n+1> slot=<=s>", p.describe(Map.of()));
    }

    @Test
    void negativeOffsetAndImpossibleValuesNeverMatch() {
        LinePattern p = LinePattern.parse("n=<=n-1>");
        assertTrue(p.match("n=2", Map.of("n", "3")).isPresent());
        assertFalse(p.match("n=-1", Map.of("n", "0")).isPresent());
        assertFalse(p.match("n=x", Map.of("n", "x")).isPresent());
        assertFalse(p.match("n=1", Map.of()).isPresent(), "unknown reference never matches");
    }

    @Test
    void catalogArgumentsAreLiteralsWildcardsCapturesAndReferences() {
        LinePattern p = LinePattern.of(Marker.STAGE0_BOOT, "a", "normal", "*", "=boots+1");
        assertEquals("STAGE0_BOOT a normal * =boots+1", p.source());
        assertEquals("stage0: boot slot=a mode=normal tries_left=<int> boot=8", p.describe(Map.of("boots", "7")));
        assertTrue(p.match("stage0: boot slot=a mode=normal tries_left=0 boot=8", Map.of("boots", "7")).isPresent());
        assertFalse(p.match("stage0: boot slot=b mode=normal tries_left=0 boot=8", Map.of("boots", "7")).isPresent());
        LinePattern any = LinePattern.of(Marker.BUNDLEMGRD_SLOT_ACTIVE);
        assertTrue(any.match("bundlemgrd: slot b active", Map.of()).isPresent());
        LinePattern cap = LinePattern.of(Marker.UPDATE_MANIFEST_OK, ":ver", ":signer");
        assertEquals(Optional.of(Map.of("ver", "2.0.1", "signer", "ab12")),
                cap.match("update: manifest ok ver=2.0.1 signer=ab12", Map.of()));
    }

    @Test
    void catalogReferenceIsCheckedAgainstThePlaceholderType() {
        LinePattern p = LinePattern.of(Marker.BUNDLEMGRD_SLOT_ACTIVE, "=x");
        assertFalse(p.match("bundlemgrd: slot 7 active", Map.of("x", "7")).isPresent());
        assertTrue(p.match("bundlemgrd: slot b active", Map.of("x", "b")).isPresent());
    }

    @Test
    void quotedTextArgumentMayHoldSpaces() {
        LinePattern p = LinePattern.of(Marker.SELFTEST_FAIL, "ota stage");
        assertEquals("SELFTEST_FAIL \"ota stage\"", p.source());
        assertTrue(p.match("SELFTEST: ota stage FAIL", Map.of()).isPresent());
        assertFalse(p.match("SELFTEST: ota switch FAIL", Map.of()).isPresent());
    }

    @Test
    void occursInFindsThePatternInsideALine() {
        LinePattern p = LinePattern.parse("Kernel panic");
        assertTrue(p.occursIn("[    3.1] Kernel panic - not syncing", Map.of()));
        assertFalse(p.occursIn("kernel panicked", Map.of()));
    }

    @Test
    void rejectsBadCaptureNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinePattern.of(Marker.BUNDLEMGRD_SLOT_ACTIVE, ":Slot"));
        assertEquals("capture name 'Slot' in argument 1 of BUNDLEMGRD_SLOT_ACTIVE is not [a-z][a-z0-9_]*", e.getMessage());
    }
}
