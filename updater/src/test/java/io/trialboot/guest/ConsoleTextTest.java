package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every line the guest's services print on the console is a catalog marker ({@code Marker.X.line}),
 * so a contract can name it and no text is written twice: no updater source prints a text of its
 * own. The exceptions are {@code nx}'s own output, which is the command's reply to who typed it
 * ({@link NxClient}: its usage and its {@code nx: <command> failed: <CODE>} line; {@link NxConsole}:
 * the prompt and the shell's answers), as docs/markers.md says ("Console lines that are not markers").
 */
class ConsoleTextTest {
    private static final Set<String> NX_OUTPUT = Set.of("NxClient.java", "NxConsole.java");
    /** A print whose text starts with a literal or a concatenation onto one. */
    private static final Pattern LITERAL_PRINT = Pattern.compile("\\.print(?:ln|f)?\\(\\s*\"");

    @Test
    void theServicesPrintNoTextOfTheirOwn() throws IOException {
        Map<String, String> printing = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(s -> s.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(source)) {
                    String code = line.strip();
                    if (!code.startsWith("*") && !code.startsWith("//") && LITERAL_PRINT.matcher(code).find()) {
                        printing.putIfAbsent(source.getFileName().toString(), code);
                    }
                }
            }
        }
        printing.keySet().removeAll(NX_OUTPUT);
        assertEquals(Map.of(), printing, "sources printing a console text that is no catalog marker");
    }

    @Test
    void theCheckFindsALiteralPrint() {
        assertTrue(LITERAL_PRINT.matcher("console.println(\"healthd: no decision: \" + e.getMessage());").find());
        assertTrue(LITERAL_PRINT.matcher("out.print( \"x\")").find());
        assertEquals(false, LITERAL_PRINT.matcher("console.println(Marker.UPDATED_READY.line());").find());
        assertEquals(false, LITERAL_PRINT.matcher("console.println(p.line());").find());
    }
}
