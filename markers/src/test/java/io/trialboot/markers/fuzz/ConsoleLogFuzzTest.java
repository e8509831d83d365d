package io.trialboot.markers.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.ConsoleLog;
import io.trialboot.markers.ContractException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConsoleLog#read}, the serial.log reader of {@code markers check}: it yields lines or throws
 * {@link ContractException} with a code; a timed line it yields prints back in the form it parses.
 * Seeds: a small serial.log and a raw console capture in {@code ConsoleLogFuzzTestInputs/read/}.
 */
class ConsoleLogFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest
    void read(byte[] input) throws IOException {
        Path file = dir.resolve("serial.log");
        Files.write(file, input);
        List<ConsoleLine> lines = new ArrayList<>();
        try {
            ConsoleLog.read(file, lines::add);
        } catch (ContractException e) {
            assertNotNull(e.code(), "a ContractException without a code");
            return;
        }
        for (ConsoleLine l : lines) {
            if (l.timed()) {
                String form = ConsoleLog.format(l);
                assertEquals(form, ConsoleLog.format(ConsoleLog.parse(form)), "format -> parse -> format changed the line");
            }
        }
    }
}
