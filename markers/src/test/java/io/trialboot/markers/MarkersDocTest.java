package io.trialboot.markers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/markers.md shows the catalog as a table; it must say exactly what the code says. */
class MarkersDocTest {
    private static final Pattern ROW = Pattern.compile("\\| `([A-Z][A-Z0-9_]*)` \\| `([^`]*)` \\|");

    @Test
    void catalogTableInDocsMatchesTheCode() throws Exception {
        // Surefire runs in the module directory.
        String doc = Files.readString(Path.of("..", "docs", "markers.md"));
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : doc.lines().toList()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> catalog = new LinkedHashMap<>();
        Arrays.stream(Marker.values()).forEach(mk -> catalog.put(mk.name(), mk.template()));
        assertEquals(catalog, documented);
    }

    @Test
    void errorCodeTableInDocsListsEveryCode() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "markers.md"));
        for (ContractException.Code code : ContractException.Code.values()) {
            assertEquals(true, doc.contains("| `" + code + "` |"), "docs/markers.md does not document " + code);
        }
    }
}
