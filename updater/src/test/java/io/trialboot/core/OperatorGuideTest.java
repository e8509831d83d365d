package io.trialboot.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every reason code has exactly one row in the operator guide, and the guide names no other code. */
class OperatorGuideTest {
    private static final Path GUIDE = Path.of("../docs/operator-guide.md");

    @Test
    void everyCodeIsDocumentedOnceInTheOperatorGuide() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|").matcher(Files.readString(GUIDE));
        List<String> documented = m.results().map(r -> r.group(1)).sorted().toList();
        List<String> codes = Arrays.stream(Code.values()).map(Enum::name).sorted().toList();
        assertEquals(codes, documented, "docs/operator-guide.md 'Every code' table vs io.trialboot.core.Code");
    }
}
