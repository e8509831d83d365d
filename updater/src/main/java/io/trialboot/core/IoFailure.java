package io.trialboot.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one home of how a failed host read or write is told, on the device and in the tools: a file
 * that is not there is {@link Code#HOST_NOT_FOUND} naming the path; any other failure is
 * {@link Code#HOST_IO_ERROR} with the system's reason in words ("Is a directory", "No space left on
 * device"), never a Java exception's class name.
 */
public final class IoFailure {
    private IoFailure() {}

    /** The failure of reading {@code file}: HOST_NOT_FOUND when it is absent, else HOST_IO_ERROR. */
    public static TrialbootException reading(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new TrialbootException(Code.HOST_NOT_FOUND, "no such file: " + file, e);
        }
        return new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + file + ": " + reason(e), e);
    }

    /** The failure of writing {@code file}. */
    public static TrialbootException writing(Path file, IOException e) {
        return new TrialbootException(Code.HOST_IO_ERROR, "cannot write " + file + ": " + reason(e), e);
    }

    /** What went wrong, as the system says it ("Permission denied", "Is a directory", "No space left on device"). */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory" + (n.getFile() == null ? "" : ": " + n.getFile());
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
}
