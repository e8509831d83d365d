package io.trialboot.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsQmpGreeting() {
        Object v = Json.parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
                + " \"package\": \"Debian 1:7.2\"}, \"capabilities\": [\"oob\"]}}\r\n");
        Map<?, ?> qmp = (Map<?, ?>) ((Map<?, ?>) v).get("QMP");
        assertEquals(List.of("oob"), qmp.get("capabilities"));
        assertEquals(7L, ((Map<?, ?>) ((Map<?, ?>) qmp.get("version")).get("qemu")).get("major"));
    }

    @Test
    void readsScalarsEscapesAndNull() {
        Map<?, ?> m = (Map<?, ?>) Json.parse("{\"a\":true,\"b\":false,\"c\":null,\"d\":-1.5e2,\"e\":\"q\\\"\\\\\\n\\u00e9\\/\",\"f\":[]}");
        assertEquals(Boolean.TRUE, m.get("a"));
        assertEquals(Boolean.FALSE, m.get("b"));
        assertTrue(m.containsKey("c"));
        assertEquals(null, m.get("c"));
        assertEquals(0, new BigDecimal("-150").compareTo((BigDecimal) m.get("d")));
        assertEquals("q\"\\\né/", m.get("e"));
        assertEquals(List.of(), m.get("f"));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("execute", "device_add");
        m.put("arguments", Map.of("id", "media0"));
        m.put("list", Arrays.asList(1L, "x\ty", null, true));
        String text = Json.write(m);
        assertEquals("{\"execute\":\"device_add\",\"arguments\":{\"id\":\"media0\"},\"list\":[1,\"x\\ty\",null,true]}", text);
        assertEquals(m, Json.parse(text));
    }

    @Test
    void rejectsMalformedInputWithOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertTrue(e.getMessage().startsWith("expected ':' at offset 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\x\""));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("tru"));
    }
}
