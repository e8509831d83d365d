package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the engine replaces or removes a state file. In production this is {@link #DURABLE}
 * ({@link DurableFiles#write}: temp, fsync, rename, directory fsync); power-cut tests substitute
 * one that stops at the Nth change.
 */
public interface StateWriter {
    StateWriter DURABLE = new StateWriter() {
        @Override
        public void write(Path file, byte[] content) {
            DurableFiles.write(file, content);
        }

        @Override
        public void delete(Path file) {
            try {
                if (Files.deleteIfExists(file)) {
                    DurableFiles.fsyncDirectory(file.toAbsolutePath().getParent());
                }
            } catch (IOException e) {
                throw new TrialbootException(Code.HOST_IO_ERROR, "cannot remove " + file + ": " + e, e);
            }
        }
    };

    /** Replaces {@code file} atomically and durably. */
    void write(Path file, byte[] content);

    /** Removes {@code file} durably; nothing happens when it does not exist. */
    void delete(Path file);
}
