package io.trialboot.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/code-coverage.md maps every code to an input that produces it and the tests that show it:
 * every code has exactly one row, every test named exists and its body names the code, every
 * corpus case named exists with that code.
 */
class CodeCoverageTest {
    private static final Path TABLE = Path.of("../docs/code-coverage.md");
    /** The hostile corpus's cases: one {@code *Cases.java} class per kind of input. */
    private static final Path CASES = Path.of("../guest-image/src/main/java/io/trialboot/image");
    private static final List<String> MODULES = List.of("markers", "updater", "tools", "guest-image", "harness");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\| ([^|]+) \\| ([^|]+) \\|$");
    private static final Pattern TEST = Pattern.compile("`([A-Z]\\w*)#(\\w+)`");
    private static final Pattern CASE = Pattern.compile("corpus `([a-z0-9-]+)`");
    private static Map<String, String> rows() throws IOException {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(TABLE));
        while (m.find()) {
            assertEquals(null, rows.put(m.group(1), m.group(3).strip()), m.group(1) + " has two rows");
        }
        return rows;
    }

    @Test
    void everyCodeHasExactlyOneRow() throws IOException {
        List<String> codes = Arrays.stream(Code.values()).map(Enum::name).sorted().toList();
        assertEquals(codes, rows().keySet().stream().sorted().toList(), "docs/code-coverage.md vs io.trialboot.core.Code");
    }

    @Test
    void everyTestNamedExistsAndNamesItsCode() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> row : rows().entrySet()) {
            String code = row.getKey();
            Matcher t = TEST.matcher(row.getValue());
            Matcher c = CASE.matcher(row.getValue());
            int refs = 0;
            while (t.find()) {
                refs++;
                testBody(t.group(1), t.group(2)).filter(b -> names(b, code)).ifPresentOrElse(b -> { },
                        () -> wrong.add(code + ": " + t.group(0) + " does not exist or does not name " + code));
            }
            while (c.find()) {
                refs++;
                if (!caseCode(c.group(1)).equals(code)) {
                    wrong.add(code + ": corpus case " + c.group(1) + " expects " + caseCode(c.group(1)));
                }
            }
            if (refs == 0) {
                wrong.add(code + ": no test or corpus case produces it");
            }
        }
        assertEquals(List.of(), wrong);
    }

    private static boolean names(String text, String code) {
        return Pattern.compile("\\b" + code + "\\b").matcher(text).find();
    }

    /** The body of test {@code method} of class {@code cls} in any module's tests. */
    private static Optional<String> testBody(String cls, String method) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            Path tests = Path.of("..", module, "src/test/java");
            if (Files.isDirectory(tests)) {
                try (Stream<Path> s = Files.walk(tests)) {
                    s.filter(p -> p.getFileName().toString().equals(cls + ".java")).forEach(files::add);
                }
            }
        }
        assertTrue(files.size() <= 1, cls + " is in " + files);
        if (files.isEmpty()) {
            return Optional.empty();
        }
        String src = Files.readString(files.get(0));
        Matcher m = Pattern.compile("\\n    (?:public )?void " + method + "\\(").matcher(src);
        if (!m.find()) {
            return Optional.empty();
        }
        int end = src.indexOf("\n    }\n", m.end());
        return Optional.of(src.substring(m.end(), end < 0 ? src.length() : end));
    }

    /** The code the hostile corpus case {@code id} expects: the first {@code Code.X} after its id in its group's class. */
    private static String caseCode(String id) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(CASES)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith("Cases.java")).sorted().toList()) {
                String src = Files.readString(p);
                int at = src.indexOf("\"" + id + "\"");
                if (at >= 0) {
                    Matcher m = Pattern.compile("Code\\.([A-Z][A-Z0-9_]*)").matcher(src);
                    found.add(m.find(at) ? m.group(1) : "nothing");
                }
            }
        }
        assertTrue(found.size() <= 1, "corpus case " + id + " is named in " + found.size() + " case classes");
        return found.isEmpty() ? "nothing (no such case)" : found.get(0);
    }

    @Test
    void theOperatorGuideLinksTheTable() throws IOException {
        assertTrue(Files.readString(Path.of("../docs/operator-guide.md")).contains("(code-coverage.md)"),
                "docs/operator-guide.md links docs/code-coverage.md");
    }
}
