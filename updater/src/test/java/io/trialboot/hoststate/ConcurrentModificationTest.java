package io.trialboot.hoststate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControl;
import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import io.trialboot.records.HistoryLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file changed by another writer between the engine's read and its write: the write is
 * refused with {@code HOST_CONCURRENT_MODIFICATION} and the other writer's change survives.
 */
class ConcurrentModificationTest {
    @TempDir
    Path dir;
    HostStateTree tree;

    @BeforeEach
    void tree() {
        HostStateTree.create(dir, "dev-1");
        tree = HostStateTree.open(dir);
    }

    /** The durable writer, but another writer's {@code change} lands on the file right before each guarded write or append. */
    private static StateWriter racing(Consumer<Path> change) {
        return new StateWriter() {
            @Override
            public void write(Path file, byte[] content) {
                StateWriter.DURABLE.write(file, content);
            }

            @Override
            public void delete(Path file) {
                StateWriter.DURABLE.delete(file);
            }

            @Override
            public void replace(Path file, byte[] expected, byte[] content) {
                change.accept(file);
                StateWriter.super.replace(file, expected, content);
            }

            @Override
            public void append(Path file, long at, byte[] bytes) {
                change.accept(file);
                StateWriter.DURABLE.append(file, at, bytes);
            }

            @Override
            public void overwrite(Path file, byte[] content) {
                StateWriter.DURABLE.overwrite(file, content);
            }

            @Override
            public void truncate(Path file, long length, boolean durable) {
                StateWriter.DURABLE.truncate(file, length, durable);
            }
        };
    }

    private static void append(Path file, String text) {
        try {
            DurableFiles.write(file, (Files.readString(file) + text).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertConcurrent(Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(Code.HOST_CONCURRENT_MODIFICATION, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("changed after it was read"), e.getMessage());
    }

    @Test
    void aHistoryLineAppendedByAnotherWriterIsKeptAndTheLateAppendRefused() throws IOException {
        HistoryLog mine = new HistoryLog(tree.system().historyLog(), StateWriter.DURABLE);
        mine.append("first", Map.of());
        HistoryLog raced = new HistoryLog(tree.system().historyLog(),
                racing(f -> new HistoryLog(f, StateWriter.DURABLE).append("theirs", Map.of())));
        assertConcurrent(() -> raced.append("mine", Map.of()));
        assertEquals(java.util.List.of("first", "theirs"), mine.read().stream().map(e -> e.event()).toList());
    }

    @Test
    void aDescriptorRewrittenByAnotherWriterIsKept() throws IOException {
        Path descriptor = tree.system().dir().resolve(Domain.DESCRIPTOR);
        Domain raced = new Domain(HostStateTree.SYSTEM_DOMAIN, tree.system().dir(), racing(f -> append(f, " ")),
                () -> HostPolicy.defaults().courtesyGrant());
        assertConcurrent(() -> raced.recordAdmission(AdmissionOutcome.ACCEPTED, "k", "p", null));
        assertConcurrent(() -> raced.recordAdmission(AdmissionOutcome.SUSPENDED, "k", "p", null));
        assertConcurrent(() -> raced.recordAdmission(AdmissionOutcome.REVOKED, "k", "p", null));
        assertTrue(Files.readString(descriptor).endsWith(" ".repeat(3)), "the other writer's three changes stay");
        assertEquals(DomainState.UNRECOGNIZED, tree.system().descriptor().state());
    }

    @Test
    void aBootControlFileChangedByStage0MeanwhileIsNotOverwritten() throws IOException {
        Path file = tree.system().bootControl();
        byte[] stage0 = Files.readString(file).replace("boot_count=0", "boot_count=1").getBytes(StandardCharsets.US_ASCII);
        BootControl raced = new BootControl(file, racing(f -> DurableFiles.write(f, stage0)));
        assertConcurrent(() -> raced.markInvalid(Slot.B));
        assertArrayEquals(stage0, Files.readAllBytes(file));
    }

    @Test
    void anUnchangedFileIsReplaced() {
        Domain d = new Domain(HostStateTree.SYSTEM_DOMAIN, tree.system().dir(), racing(f -> { }),
                () -> HostPolicy.defaults().courtesyGrant());
        assertEquals(Code.HOST_OK, d.recordAdmission(AdmissionOutcome.ACCEPTED, "k", "p", null));
        assertEquals(DomainState.FULL, tree.system().descriptor().state());
    }
}
