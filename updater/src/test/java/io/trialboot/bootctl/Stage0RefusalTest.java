package io.trialboot.bootctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.trialboot.core.StateWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Stage0RefusalTest {
    @TempDir
    Path state;

    private Path write(String text) throws Exception {
        Path note = state.resolve(Stage0Refusal.PATH);
        Files.createDirectories(note.getParent());
        Files.writeString(note, text, StandardCharsets.US_ASCII);
        return note;
    }

    @Test
    void theNoteStageZeroLeftIsTakenOnce() throws Exception {
        Path note = write("slot=b code=VERITY_MAP_FAILED\n");
        assertEquals(Optional.of(new Stage0Refusal("b", "VERITY_MAP_FAILED")), Stage0Refusal.take(state, StateWriter.DURABLE));
        assertFalse(Files.exists(note));
        assertEquals(Optional.empty(), Stage0Refusal.take(state, StateWriter.DURABLE));
    }

    @Test
    void aNoteOfAnotherFormIsReportedNotDropped() throws Exception {
        write("slot=c code=x\u0001");
        assertEquals(Optional.of(new Stage0Refusal("?", "unreadable note 'slot=c code=x?'")),
                Stage0Refusal.take(state, StateWriter.DURABLE));
    }
}
