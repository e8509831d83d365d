package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EscapeKeysTest {
    private final EscapeKeys keys = new EscapeKeys();

    private List<EscapeKeys.Key> feed(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return keys.feed(b, b.length);
    }

    private static byte[] text(EscapeKeys.Key k) {
        return assertInstanceOf(EscapeKeys.Text.class, k).bytes();
    }

    @Test
    void ordinaryKeysAndCtrlCGoToTheGuest() {
        List<EscapeKeys.Key> k = feed("nx status\r\u0003");
        assertEquals(1, k.size());
        assertArrayEquals("nx status\r\u0003".getBytes(StandardCharsets.ISO_8859_1), text(k.get(0)));
    }

    @Test
    void ctrlAXQuitsAfterTheKeysBeforeIt() {
        List<EscapeKeys.Key> k = feed("ls\u0001x");
        assertArrayEquals("ls".getBytes(StandardCharsets.US_ASCII), text(k.get(0)));
        assertEquals(new EscapeKeys.Command(EscapeKeys.Escape.QUIT), k.get(1));
        assertEquals(2, k.size());
    }

    @Test
    void upperCaseEscapesCountToo() {
        assertEquals(List.of(new EscapeKeys.Command(EscapeKeys.Escape.MONITOR)), feed("\u0001C"));
        assertEquals(List.of(new EscapeKeys.Command(EscapeKeys.Escape.HELP)), feed("\u0001h"));
    }

    @Test
    void anEscapeSplitAcrossReadsStillCounts() {
        assertEquals(List.of(), feed("\u0001"));
        assertEquals(List.of(new EscapeKeys.Command(EscapeKeys.Escape.QUIT)), feed("x"));
    }

    @Test
    void ctrlAATypesOneCtrlA() {
        assertArrayEquals(new byte[] {1}, text(feed("\u0001a").get(0)));
        assertArrayEquals(new byte[] {1}, text(feed("\u0001\u0001").get(0)));
    }

    @Test
    void anUnknownEscapeIsDroppedAsQemuDoes() {
        List<EscapeKeys.Key> k = feed("\u0001qok");
        assertEquals(1, k.size());
        assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), text(k.get(0)));
    }
}
