package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The one home of the tools' rule for input files: a file that is not there is
 * {@link Code#HOST_NOT_FOUND} naming the path (and, on the command line, the option), whatever reads
 * it; any other failed read or write is {@link Code#HOST_IO_ERROR} with the system's reason, never a
 * Java exception's class name.
 */
final class HostFiles {
    private HostFiles() {}

    /** The failure of reading {@code file}: HOST_NOT_FOUND when it is absent, else HOST_IO_ERROR. */
    static TrialbootException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new TrialbootException(Code.HOST_NOT_FOUND, "no such file: " + file, e);
        }
        return new TrialbootException(Code.HOST_IO_ERROR, "cannot read " + file + ": " + reason(e), e);
    }

    /** The failure of writing {@code file}. */
    static TrialbootException writeFailure(Path file, IOException e) {
        return new TrialbootException(Code.HOST_IO_ERROR, "cannot write " + file + ": " + reason(e), e);
    }

    /** What went wrong, as the system says it ("Permission denied", "Is a directory", "No space left on device"). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory" + (n.getFile() == null ? "" : ": " + n.getFile());
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** An option or parameter naming an input file that must exist and be a regular file. */
    static final class InputFile implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (Files.isDirectory(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "not a file: " + p + " is a directory");
            }
            if (!Files.exists(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "no such file: " + p);
            }
            return p;
        }
    }

    /** An option naming an input directory that must exist. */
    static final class InputDir implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (!Files.isDirectory(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, Files.exists(p)
                        ? "not a directory: " + p : "no such directory: " + p);
            }
            return p;
        }
    }
}
