package io.trialboot.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesFieldsInInsertionOrderAndParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "a\"b\\c\n\u0001");
        m.put("a", 42L);
        m.put("n", null);
        m.put("t", true);
        m.put("l", List.of("x", 1L));
        String text = Json.write(m);
        assertEquals("{\"z\":\"a\\\"b\\\\c\\n\\u0001\",\"a\":42,\"n\":null,\"t\":true,\"l\":[\"x\",1]}", text);
        assertEquals(m, Json.parse(text));
    }

    @Test
    void readsHandWrittenFilesWithWhitespaceAndEscapes() {
        Map<String, Object> m = Json.parseObject(" {\n  \"channel\": \"st\\u0061ble\",\t\"manifests\": [ \"a\", \"b\" ],\r\n"
                + "  \"n\": -12, \"ok\": false, \"none\": null }\n");
        assertEquals("stable", m.get("channel"));
        assertEquals(List.of("a", "b"), m.get("manifests"));
        assertEquals(-12L, m.get("n"));
        assertEquals(false, m.get("ok"));
        assertEquals(true, m.containsKey("none"));
    }

    @Test
    void rejectsDuplicateFieldsFloatsAndTrailingGarbage() {
        for (String bad : List.of("{\"a\":1,\"a\":2}", "{\"a\":1.5}", "{\"a\":1}x", "{\"a\":", "[1,]", "\"abc")) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> Json.parse(bad), bad);
            assertEquals(Code.MALFORMED_INPUT, e.code());
        }
    }

    @Test
    void rejectsDeepNesting() {
        String deep = "[".repeat(40) + "]".repeat(40);
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> Json.parse(deep)).code());
    }
}
