package io.trialboot.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How the engine replaces or removes a state file, and appends to the history. In production this
 * is {@link #DURABLE} ({@link DurableFiles}: {@code write} is temp, fsync, rename, directory fsync);
 * power-cut tests substitute one that stops at the Nth change, full-disk tests one that fails from
 * the Nth on (each says what its steps leave behind).
 */
public interface StateWriter {
    StateWriter DURABLE = new StateWriter() {
        @Override
        public void write(Path file, byte[] content) {
            DurableFiles.write(file, content);
        }

        @Override
        public void append(Path file, long at, byte[] bytes) {
            DurableFiles.append(file, at, bytes);
        }

        @Override
        public void overwrite(Path file, byte[] content) {
            DurableFiles.overwrite(file, content);
        }

        @Override
        public void truncate(Path file, long length, boolean durable) {
            DurableFiles.truncate(file, length, durable);
        }

        @Override
        public void delete(Path file) {
            try {
                if (Files.deleteIfExists(file)) {
                    DurableFiles.fsyncDirectory(file.toAbsolutePath().getParent());
                }
            } catch (IOException e) {
                throw new TrialbootException(Code.HOST_IO_ERROR, "cannot remove " + file + ": " + IoFailure.reason(e), e);
            }
        }
    };

    /** Replaces {@code file} atomically and durably. */
    void write(Path file, byte[] content);

    /**
     * Replaces {@code file} only while it still holds {@code expected}, the bytes the caller read and
     * derived {@code content} from. When another writer changed it in between, nothing is written
     * and the answer is {@link Code#HOST_CONCURRENT_MODIFICATION}: that writer's change is kept, not
     * silently overwritten. The check runs just before the atomic replace.
     */
    default void replace(Path file, byte[] expected, byte[] content) {
        byte[] now = StateFiles.readUpTo(file, expected.length + 1L);
        if (!Arrays.equals(now, expected)) {
            throw new TrialbootException(Code.HOST_CONCURRENT_MODIFICATION, file + " changed after it was read ("
                    + expected.length + " bytes read, " + (now.length > expected.length ? "more than that" : now.length)
                    + " bytes now): another writer got there first; nothing was written, read it again");
        }
        write(file, content);
    }

    /** Removes {@code file} durably; nothing happens when it does not exist. */
    void delete(Path file);

    /**
     * Appends {@code bytes} and fsyncs, only while {@code file} is still {@code at} bytes long, else
     * {@link Code#HOST_CONCURRENT_MODIFICATION} with nothing written ({@link DurableFiles#append}).
     * Not atomic: a power cut can leave a prefix of {@code bytes}.
     */
    void append(Path file, long at, byte[] bytes);

    /** Writes a small file in place and fsyncs it; not atomic ({@link DurableFiles#overwrite}). */
    void overwrite(Path file, byte[] content);

    /** Cuts {@code file} to {@code length} bytes, fsynced when {@code durable} ({@link DurableFiles#truncate}). */
    void truncate(Path file, long length, boolean durable);
}
