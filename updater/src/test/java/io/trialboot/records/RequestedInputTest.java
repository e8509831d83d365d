package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestedInputTest {
    @Test
    void aPrintableNameIsShownAsItIs() {
        String name = "pkg://updates/releases/1.1.0/manifest.nxm";
        assertEquals(name, RequestedInput.shown(name));
        assertEquals(name, RequestedInput.require(name));
    }

    @Test
    void controlCharactersBlanksBackslashesAndNonAsciiAreEscaped() {
        assertEquals("a\\x0ab\\x0dc\\x1b[2J\\x00\\x7f\\x20\\x09\\x5c\\xe9\\u2028",
                RequestedInput.shown("a\nb\rc\u001b[2J\u0000\u007f \t\\\u00e9\u2028"));
        assertEquals("(empty)", RequestedInput.shown(""));
    }

    @Test
    void aLongNameIsCutAtTheBoundAndSaysHowLongItWas() {
        String shown = RequestedInput.shown("A".repeat(10 * 1024));
        assertEquals("A".repeat(RequestedInput.NAME_CHARS) + "...[10240]", shown);
        // an escape is never cut in half: 64 four-character escapes fill the bound exactly
        String escapes = RequestedInput.shown("\u0001".repeat(65));
        assertEquals("\\x01".repeat(64) + "...[65]", escapes);
        new RequestedInput(RequestedInput.shown("\n".repeat(10 * 1024)), null);
    }

    @Test
    void aRequestMayNameItsInputOnlyInPrintableAsciiWithinTheBound() {
        for (String hostile : new String[] {"pkg://updates/x\nrel-9.9.9", "/media/\u001b]0;x\u0007", "/a b",
                "/" + "a".repeat(RequestedInput.NAME_CHARS), ""}) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> RequestedInput.require(hostile));
            assertEquals(Code.MALFORMED_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: the input's name '" + RequestedInput.shown(hostile) + "' is not "),
                    e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= ' ' && c < 0x7f), "the message quotes the name as shown");
        }
    }

    @Test
    void theDigestIsOfTheBytesReadAndNoneWhenNothingWas() {
        byte[] read = "bytes".getBytes(StandardCharsets.UTF_8);
        assertEquals(Sha256.of(read).hex(), RequestedInput.of("/x", Optional.of(read)).sha256());
        assertNull(RequestedInput.of("/x", Optional.empty()).sha256());
    }

    @Test
    void aNameNotAsShownIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RequestedInput("a\nb", null));
        assertThrows(IllegalArgumentException.class, () -> new RequestedInput("a b", null));
        assertThrows(IllegalArgumentException.class, () -> new RequestedInput("", null));
        assertThrows(IllegalArgumentException.class, () -> new RequestedInput("a".repeat(300), null));
        assertThrows(TrialbootException.class, () -> new RequestedInput("a", "not a digest"));
    }
}
