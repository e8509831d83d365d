package io.trialboot.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading and creating state-tree entries with the {@code HOST_*} codes: a file is read whole only
 * after its size is checked against a bound; directories are created and their parent fsynced.
 * Writes of file contents go through {@link DurableFiles}.
 */
public final class StateFiles {
    private StateFiles() {}

    /** Reads a whole file after checking its size; {@code HOST_NOT_FOUND} when missing. */
    public static byte[] read(Path file, long bound, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            // Read at most bound + 1 bytes, so a file growing under us still cannot exceed the bound.
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bound + 1));
            Bounds.check(what + " (" + file + ")", bytes.length, bound);
            return bytes;
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, what + " not found: " + file);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + what + " " + file + ": " + IoFailure.reason(e), e);
        }
    }

    /** At most {@code limit} bytes from the start of {@code file}; a missing file reads as no bytes. */
    static byte[] readUpTo(Path file, long limit) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit));
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + file + ": " + IoFailure.reason(e), e);
        }
    }

    /** Creates a directory (and missing parents), making each new entry durable. */
    public static void mkdirs(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            mkdirs(parent);
        }
        try {
            Files.createDirectory(abs);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw new TrialbootException(Code.HOST_EXISTS, "exists and is not a directory: " + abs);
            }
            return;
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot create directory " + abs + ": " + IoFailure.reason(e), e);
        }
        if (parent != null) {
            DurableFiles.fsyncDirectory(parent);
        }
    }
}
