package io.trialboot.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesTheAuthoringForms() {
        Map<String, Object> m = Json.parseObject(" {\"channel\": \"st\\u0061ble\", \"manifests\": [\"a\", \"b\"],"
                + " \"n\": 12, \"ok\": true, \"none\": null} ", "stable.json");
        assertEquals("stable", m.get("channel"));
        assertEquals(List.of("a", "b"), m.get("manifests"));
        assertEquals(12L, m.get("n"));
        assertEquals(true, m.get("ok"));
        assertTrue(m.containsKey("none"));
    }

    private static void rejects(String text, String messageStart) {
        TrialbootException e = assertThrows(TrialbootException.class, () -> Json.parseObject(text, "stable.json"));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: " + messageStart), e.getMessage());
    }

    @Test
    void rejectsDuplicateKeysTrailingContentAndTruncation() {
        rejects("{\"a\": 1, \"a\": 2}", "stable.json repeats the key \"a\"");
        rejects("{\"a\": 1} x", "stable.json has content after the object");
        rejects("{\"a\": \"open", "stable.json ends early");
        rejects("[1]", "stable.json is not a JSON object");
        rejects("{\"a\": 1.5}", "stable.json: expected '}'");
    }
}
